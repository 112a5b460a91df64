package com.ledger.http;

import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Bus;
import com.ledger.platform.bus.Envelope;
import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.AppConfig.HttpConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.json.JsonLiterals;
import com.ledger.platform.observability.NodeState;
import com.ledger.platform.security.TokenVerifier;
import com.ledger.platform.security.UserStatusCache;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Contract first, bus only: the router is built from openapi.yaml; every operation is bound to the event-bus
 * address named by its operationId (an unserved one answers 501), except the few this verticle answers itself
 * (health, metrics, docs, problems). No business logic lives here.
 */
public final class HttpVerticle extends VerticleBase {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpVerticle.class);
  private final AppConfig cfg;
  private final NodeState node;
  private final RateLimiter limiter;
  private final ContractLoader.Loaded contract;
  private HttpServer server;
  private Pool pool;

  public HttpVerticle(AppConfig cfg, NodeState node, RateLimiter limiter, ContractLoader.Loaded contract) {
    this.cfg = cfg;
    this.contract = contract;
    this.node = node;
    this.limiter = limiter;
  }

  private volatile boolean draining;
  private final java.util.Set<io.vertx.core.http.HttpConnection> connections = new java.util.HashSet<>();
  private io.vertx.core.Promise<Void> drained;

  @Override
  public Future<?> start() {
    HttpConfig http = cfg.http();
    pool = Pools.shared(vertx, cfg.db());
    var statuses = new UserStatusCache(vertx, ConfigTimeouts.statusCacheMs(cfg), http.requestTimeoutMs());
    return statuses.listen()
        .compose(v -> {
          Router router = buildRouter(contract, statuses);
          HttpServerOptions opts = new HttpServerOptions().setHost(http.host()).setPort(http.port())
              .setMaxInitialLineLength(Math.max(http.maxUriBytes() * 4, 16_384))
              .setMaxHeaderSize(Math.max(http.maxHeaderBytes() * 4, 32_768))
              .setCompressionSupported(true);
          MeterRegistry registry = BackendRegistries.getNow(node.registryName);
          return TransportGuard.server(vertx, opts, router, cfg.isProd(), registry, this::track).listen();
        })
        .onSuccess(s -> server = s);
  }

  private Router buildRouter(ContractLoader.Loaded loaded, UserStatusCache statuses) {
    HttpConfig http = cfg.http();
    OpenAPIContract contract = loaded.contract();
    MeterRegistry registry = BackendRegistries.getNow(node.registryName);
    ProblemMapper problems = new ProblemMapper(contract, http.bodyLimitBytes());
    RouterBuilder rb = RouterBuilder.create(vertx, contract, jsonBodies())
        .rootHandler(new CloseWhenDraining())
        .rootHandler(new RequestGate(http, limiter, cfg.isProd(), registry))
        .rootHandler(BodyHandler.create(false).setBodyLimit(http.bodyLimitBytes()));
    TokenVerifier verifier = new TokenVerifier(vertx, cfg.jwt(), Clock.systemUTC());
    rb.security("bearerAuth").httpHandler(new BearerAuth(verifier, statuses, contract));

    Map<String, Handler<RoutingContext>> local = new HashMap<>();
    local.putAll(new HealthRoutes(vertx, pool, cfg.db().poolSize(), node).handlers());
    local.putAll(new Docs(loaded.yaml(), loaded.published()).handlers());
    local.putAll(LocalRoutes.problems());
    for (OpenAPIRoute route : rb.getRoutes()) {
      Operation op = route.getOperation();
      Handler<RoutingContext> own = local.get(op.getOperationId());
      route.addHandler(rc -> {
        rc.put(Metrics.ROUTE_KEY, op.getOpenAPIPath());
        if (own != null) own.handle(rc);
        else forward(rc, op);
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

  /**
   * An absent, null, array or scalar body is {} (SPEC.md §1.4); a malformed one is left for the validator, except on
   * {@code x-raw-body} operations (signed webhooks), whose service checks the signature over the raw body first and
   * only then the payload (SPEC.md §9), so the validator must not answer before it.
   */
  static RequestExtractor jsonBodies() {
    return (rc, op) -> RequestUtils.extract(rc.request(), op,
            () -> Future.succeededFuture(normaliseBody(rc, Boolean.TRUE.equals(op.getExtensions().get("x-raw-body")))))
        .map(HttpVerticle::asSent);
  }

  /**
   * vertx-openapi 5.0.7 parses a string parameter that is not {@code \w+} as JSON first, so a JSON cursor, "12.5"
   * or "-5" would fail as "not a string". Every parameter of the contract is a string, so hand the validator each
   * path and query value JSON-quoted: it then sees exactly what was sent. Headers are read raw by the domain and
   * none is required, so they are not validated.
   */
  static ValidatableRequest asSent(ValidatableRequest r) {
    return new ValidatableRequestImpl(r.getCookies(), Map.of(), quoted(r.getPathParameters()), quoted(r.getQuery()),
        r.getBody(), r.getContentType());
  }

  private static Map<String, RequestParameter> quoted(Map<String, RequestParameter> params) {
    Map<String, RequestParameter> out = new HashMap<>();
    params.forEach((k, v) -> out.put(k, v == null || v.isNull() || !(v.get() instanceof String s) ? v
        : new RequestParameterImpl(Json.encode(s))));
    return out;
  }

  static Buffer normaliseBody(RoutingContext rc, boolean rawBodyOperation) {
    Buffer raw = rc.body() == null ? null : rc.body().buffer();
    if (raw == null || raw.length() == 0) return Buffer.buffer("{}");
    try {
      Object v = Json.decodeValue(raw);
      return v instanceof JsonObject ? raw : Buffer.buffer("{}");
    } catch (RuntimeException malformed) {
      return rawBodyOperation ? Buffer.buffer("{}") : raw;
    }
  }

  private void forward(RoutingContext rc, Operation op) {
    String cid = Correlation.id(rc);
    ValidatedRequest vr = rc.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    JsonObject headers = new JsonObject();
    rc.request().headers().forEach(e -> {
      String name = e.getKey().toLowerCase(java.util.Locale.ROOT);
      if (!name.equals("authorization") && !name.equals("cookie")) headers.put(name, e.getValue());
    });
    boolean raw = Boolean.TRUE.equals(op.getExtensions().get("x-raw-body"));
    JsonLiterals.Decoded body = op.getRequestBody() == null ? JsonLiterals.EMPTY : decodedBody(rc, raw);
    if (body == null) return;
    ApiRequest req = new ApiRequest(op.getOperationId(), rc.get(BearerAuth.PRINCIPAL_KEY),
        params(vr == null ? null : vr.getPathParameters()), params(vr == null ? null : vr.getQuery()), headers,
        body.object(), raw && rc.body() != null ? rc.body().asString() : null, cid,
        RequestGate.clientKey(rc.request(), cfg.http().trustProxyHeaders()), rc.request().method().name(),
        rc.request().path(), body.objectNumbers());
    vertx.eventBus().<JsonObject>request(op.getOperationId(), req.toJson(), Bus.options(cid, cfg.http().requestTimeoutMs()))
        .map(reply -> ApiReply.fromJson(reply.body()))
        .onSuccess(reply -> write(rc, reply, cid))
        .onFailure(rc::fail);
  }

  private static void write(RoutingContext rc, ApiReply reply, String cid) {
    var res = rc.response();
    if (res.ended()) return;
    reply.headers().forEach(e -> res.putHeader(e.getKey(), String.valueOf(e.getValue())));
    res.setStatusCode(reply.status());
    if (!res.headers().contains("Content-Type")) res.putHeader("Content-Type", "application/json");
    if (reply.body() != null) {
      res.end(reply.body());
    } else {
      res.end(Envelope.of(reply.data(), reply.metadata(), cid, Instant.now()).encode());
    }
  }

  private static JsonObject params(Map<String, RequestParameter> ps) {
    JsonObject o = new JsonObject();
    if (ps == null) return o;
    ps.forEach((k, v) -> {
      if (v != null && !v.isNull()) o.put(k, v.get());
    });
    return o;
  }

  /**
   * The body, decoded once for the domain with the literal text of its numbers (JsonLiterals, SPEC.md §15). Malformed
   * or too deeply nested JSON → 400 {@code invalid_json_body} (null returned); a raw-body operation reads {} instead.
   */
  private static JsonLiterals.Decoded decodedBody(RoutingContext rc, boolean rawBodyOperation) {
    try {
      return JsonLiterals.decode(rc.body() == null ? null : rc.body().buffer());
    } catch (DecodeException e) {
      if (rawBodyOperation) return JsonLiterals.EMPTY;
      rc.fail(new LedgerException(ErrorCode.INVALID_JSON_BODY, "The request body is not valid JSON: " + e.getMessage()));
      return null;
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
    drained = io.vertx.core.Promise.promise();
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
