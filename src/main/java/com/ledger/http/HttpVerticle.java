package com.ledger.http;

import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Bus;
import com.ledger.platform.bus.BusCodecs;
import com.ledger.platform.bus.Lanes;
import com.ledger.platform.bus.Replies;
import com.ledger.platform.bus.Envelope;
import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.AppConfig.HttpConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.json.JsonLiterals;
import com.ledger.platform.observability.NodeState;
import com.ledger.platform.security.TokenVerifier;
import com.ledger.platform.security.UserCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Contract first, bus only: the router is built from openapi.yaml; every operation is bound to the event-bus
 * address named by its operationId (an unserved one answers 501), except the few this verticle answers itself
 * (health, metrics, docs, problems) and the lanes ({@link Lanes}: stateless handlers a verticle of this node offered,
 * called on this event loop with the same {@link ApiRequest}). No business logic lives here.
 */
public final class HttpVerticle extends VerticleBase {
  /** The operationIds this verticle answers itself (ArchitectureTest: no api package declares one of them). */
  public static final List<String> OWN_ADDRESS_PREFIXES = List.of("health.", "metrics.", "docs.", "problems.");
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpVerticle.class);
  private final AppConfig cfg;
  private final NodeState node;
  private final RateLimiter limiter;
  private final ContractLoader.Loaded contract;
  private final Future<?> domainDeployed;
  /** Response bodies shorter than this are sent uncompressed, whatever the client accepts. */
  static final int COMPRESS_FROM_BYTES = 2048;
  private static final CharSequence CONTENT_TYPE = io.vertx.core.http.HttpHeaders.CONTENT_TYPE;
  private static final CharSequence APPLICATION_JSON = io.vertx.core.http.HttpHeaders.createOptimized("application/json");
  private final Map<String, Function<ApiRequest, Future<ApiReply>>> laneHandlers = new HashMap<>();
  private HttpServer server;
  private Pool pool;

  /**
   * @param domainDeployed the node's domain verticles: the router is built meanwhile; their lanes are opened and the
   *                       server listens once they are deployed (and fails with them)
   */
  public HttpVerticle(AppConfig cfg, NodeState node, RateLimiter limiter, ContractLoader.Loaded contract,
      Future<?> domainDeployed) {
    this.cfg = cfg;
    this.contract = contract;
    this.node = node;
    this.limiter = limiter;
    this.domainDeployed = domainDeployed;
  }

  private volatile boolean draining;
  private final java.util.Set<io.vertx.core.http.HttpConnection> connections = new java.util.HashSet<>();
  private Promise<Void> drained;

  @Override
  public Future<?> start() {
    HttpConfig http = cfg.http();
    pool = Pools.shared(vertx, cfg.db());
    BusCodecs.register(vertx);
    var users = UserCache.of(vertx, cfg.auth().statusCacheMs(), http.requestTimeoutMs());
    return users.listen(vertx)
        .map(v -> buildRouter(contract, users))
        .compose(router -> onThisLoop(domainDeployed).map(router))
        .compose(router -> {
          openLanes(loaded());
          HttpServerOptions opts = new HttpServerOptions().setHost(http.host()).setPort(http.port())
              .setMaxInitialLineLength(Math.max(http.maxUriBytes() * 4, 16_384))
              .setMaxHeaderSize(Math.max(http.maxHeaderBytes() * 4, 32_768))
              .setCompressionSupported(true)
              // gzip only bodies of 2 KiB or more (Spring Boot's default too): most answers are a few hundred bytes,
              // which compression makes barely smaller at the cost of a deflater per response. With every answer
              // compressed, a client that sends Accept-Encoding: gzip (Go, OkHttp, browsers, Python requests) got
              // GET /api/auth/me at ~5k req/s with p50 2.5 ms, p99 13.8 ms where one that does not got 14k req/s at
              // p50 0.6 ms, p99 3.8 ms (hey -c16, bench/run's p99 figure, on this 2-core machine)
              .setCompressionContentSizeThreshold(COMPRESS_FROM_BYTES)
              // no WebSocket is served: without these Netty's WebSocket extension handler sits in every connection's
              // pipeline and looks at every request and response
              .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false);
          MeterRegistry registry = BackendRegistries.getNow(node.registryName);
          return TransportGuard.server(vertx, opts, router, cfg.isProd(), registry, this::track).listen();
        })
        .onSuccess(s -> server = s);
  }

  private OpenAPIContract loaded() {
    return contract.contract();
  }

  /**
   * This event loop's lanes ({@link Lanes}): the operations a verticle of this node offered for any event loop are
   * called here, on this thread, with what the bus would have carried (the same {@link ApiRequest}, the same send
   * timeout, failures mapped as {@link Replies} maps them): no reply registration, timer or message per request.
   */
  private void openLanes(OpenAPIContract contract) {
    Lanes lanes = Lanes.of(vertx);
    contract.getPaths().forEach(p -> p.getOperations().forEach(op -> {
      var handler = lanes.handler(op.getOperationId());
      if (handler != null) laneHandlers.put(op.getOperationId(), handler);
    }));
  }

  private Router buildRouter(ContractLoader.Loaded loaded, UserCache users) {
    HttpConfig http = cfg.http();
    OpenAPIContract contract = loaded.contract();
    MeterRegistry registry = BackendRegistries.getNow(node.registryName);
    ProblemMapper problems = new ProblemMapper(contract, http.bodyLimitBytes());
    ContractValidation validation = new ContractValidation(contract);
    RouterBuilder rb = RouterBuilder.create(vertx, contract)
        .rootHandler(new CloseWhenDraining())
        .rootHandler(new RequestGate(http, limiter, cfg.isProd(), registry))
        // one buffer of the announced length (no doubling to 2 MiB, which G1 keeps as humongous regions)
        .rootHandler(BodyHandler.create(false).setBodyLimit(http.bodyLimitBytes()).setPreallocateBodyBuffer(true));
    TokenVerifier verifier = new TokenVerifier(vertx, cfg.jwt(), Clock.systemUTC());
    rb.security("bearerAuth").httpHandler(new BearerAuth(verifier, users, contract));

    Map<String, Handler<RoutingContext>> local = new HashMap<>();
    local.putAll(new HealthRoutes(vertx, pool, cfg.db().poolSize(), node).handlers());
    local.putAll(new Docs(loaded.yaml(), loaded.published()).handlers());
    local.putAll(LocalRoutes.problems());
    for (OpenAPIRoute route : rb.getRoutes()) {
      Operation op = route.getOperation();
      Handler<RoutingContext> own = local.get(op.getOperationId());
      route.setDoValidation(false);  // validated below, on this event loop (ContractValidation)
      route.addHandler(rc -> {
        rc.put(Metrics.ROUTE_KEY, op.getOpenAPIPath());
        if (!validation.validate(rc, op)) return;
        if (own != null) own.handle(rc);
        else forward(rc, op, laneHandlers.get(op.getOperationId()));  // opened once the domain verticles are up
      });
      route.addFailureHandler(problems::handle);
    }
    Router router = rb.createRouter();
    Docs.mountAssets(router);
    router.route().failureHandler(problems::handle);
    router.errorHandler(404, problems::notFound);
    router.errorHandler(405, problems::methodNotAllowed);
    router.errorHandler(413, problems::handle);
    router.errorHandler(500, problems::handle);
    return router;
  }

  private void forward(RoutingContext rc, Operation op, Function<ApiRequest, Future<ApiReply>> lane) {
    String cid = Correlation.id(rc);
    ContractValidation.Validated v = rc.get(ContractValidation.KEY);
    JsonObject headers = new JsonObject();
    var sent = rc.request().headers();
    for (String name : ApiRequest.FORWARDED_HEADERS) {
      if (!sent.contains(name)) continue;
      List<String> values = sent.getAll(name);  // a repeated header: the last one, as before
      headers.put(name, values.get(values.size() - 1));
    }
    boolean raw = Boolean.TRUE.equals(op.getExtensions().get("x-raw-body"));
    JsonLiterals.Decoded body = v.body();
    ApiRequest req = new ApiRequest(op.getOperationId(), rc.get(BearerAuth.PRINCIPAL_KEY), v.path(), v.query(), headers,
        body.object(), raw && rc.body() != null ? rc.body().asString() : null, cid,
        RateLimitCheck.clientKey(rc, cfg.http().trustProxyHeaders()), rc.request().method().name(),
        rc.request().path(), body.objectNumbers());
    if (lane != null) {
      onLane(rc, op.getOperationId(), lane, req, cid);
      return;
    }
    vertx.eventBus().request(op.getOperationId(), req, Bus.options(cid, cfg.http().requestTimeoutMs()))
        .map(reply -> BusCodecs.reply(reply.body()))
        .onSuccess(reply -> write(rc, reply, cid))
        .onFailure(rc::fail);
  }

  /**
   * An operation served on this event loop: the handler's answer is written as a bus reply would be; a failure reaches
   * the failure handler as the {@link ReplyException} the bus would have delivered, and an answer later than the
   * request timeout is the bus's timeout.
   */
  private void onLane(RoutingContext rc, String address, Function<ApiRequest, Future<ApiReply>> lane, ApiRequest req,
      String cid) {
    Future<ApiReply> result;
    try {
      result = lane.apply(req);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    if (result.succeeded()) {
      write(rc, result.result(), cid);
      return;
    }
    if (!result.isComplete()) result = onThisLoop(result).timeout(cfg.http().requestTimeoutMs(), TimeUnit.MILLISECONDS);
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        write(rc, ar.result(), cid);
      } else if (ar.cause() instanceof TimeoutException) {
        rc.fail(new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting " + cfg.http().requestTimeoutMs()
            + "(ms) for a reply. address: " + address));
      } else {
        LedgerException le = Replies.failure(address, cid, ar.cause());
        rc.fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, le.code.failureCode, Replies.encode(le)));
      }
    });
  }

  /**
   * {@code f}'s outcome, delivered on this verticle's event loop ({@code f} completes on whichever thread finished it).
   * A lane's future is often bound to no context (a {@code Promise.promise()} completed by the pool's connection): its
   * {@code timeout} then schedules and cancels its timer through Netty's single global executor (a locked queue and a
   * thread wake-up per request: ~7 % of the event loops' CPU and as much again on that executor's thread under sync
   * posting, async-profiler, issue 8). Bound to this loop, the timer is a task of its own scheduled queue, and the
   * answer is written on this loop.
   */
  private <T> Future<T> onThisLoop(Future<T> f) {
    PromiseInternal<T> here = ((ContextInternal) context).promise();
    f.onComplete(here);
    return here.future();
  }

  private static void write(RoutingContext rc, ApiReply reply, String cid) {
    var res = rc.response();
    if (res.ended()) return;
    if (!reply.headers().isEmpty()) reply.headers().forEach(e -> res.putHeader(e.getKey(), String.valueOf(e.getValue())));
    if (res.getStatusCode() != reply.status()) res.setStatusCode(reply.status());
    if (!res.headers().contains(CONTENT_TYPE)) res.putHeader(CONTENT_TYPE, APPLICATION_JSON);
    if (reply.body() != null) {
      res.end(reply.body());
    } else {
      res.end(Envelope.encode(reply.data(), reply.metadata(), cid, Instant.now()));
    }
  }

  /**
   * Once shutdown began, every response (the one in flight, or the next one of a kept-alive connection) says
   * {@code Connection: close} and its connection closes once it is written.
   */
  private final class CloseWhenDraining implements io.vertx.ext.web.handler.PlatformHandler {
    @Override
    public void handle(RoutingContext rc) {
      rc.addHeadersEndHandler(v -> {
        if (draining) rc.response().putHeader("Connection", "close");
      });
      rc.addBodyEndHandler(v -> {
        if (draining) rc.request().connection().close();
      });
      rc.next();
    }
  }

  /** This instance's open connections (on its event loop); while draining a new one is closed at once. */
  private void track(io.vertx.core.http.HttpConnection conn) {
    if (draining) {
      conn.close();
      return;
    }
    connections.add(conn);
    conn.closeHandler(v -> {
      connections.remove(conn);
      if (draining && connections.isEmpty() && drained != null) drained.tryComplete();
    });
  }

  /**
   * Graceful stop: new connections are closed at once; each open one is answered (the request in flight, or the next
   * request of an idle keep-alive connection, already on its way) with {@code Connection: close} and then closed;
   * connections still open when the grace period ends are closed then.
   */
  @Override
  public Future<?> stop() {
    draining = true;
    LOG.atInfo().addKeyValue("connections", connections.size()).log("http draining");
    Duration grace = Duration.ofSeconds(cfg.http().shutdownGraceSeconds());
    drained = Promise.promise();
    if (connections.isEmpty()) drained.tryComplete();
    long timer = vertx.setTimer(Math.max(1, grace.toMillis()), id -> drained.tryComplete());
    Future<Void> shut = server == null ? Future.succeededFuture() : drained.future()
        .compose(v -> {
          vertx.cancelTimer(timer);
          return server.shutdown(1, java.util.concurrent.TimeUnit.SECONDS);
        });
    return shut.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
