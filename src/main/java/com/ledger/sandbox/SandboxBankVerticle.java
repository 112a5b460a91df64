package com.ledger.sandbox;

import com.ledger.banksync.api.BankProtocol;
import com.ledger.platform.config.SandboxConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox bank (role {@code sandbox-bank}): a small HTTP server of ours on its own port that speaks the bank
 * protocol of SPEC.md §8.2 ({@link BankProtocol}, served by {@link SandboxApi}) with deterministic data
 * ({@link SandboxLedger}), expiring OAuth2 access tokens ({@link SandboxTokens}) and fault injection
 * ({@link SandboxFaults}) in front of every bank call. Admin endpoints ({@code sandbox_bank.admin_endpoints}: outside
 * prod unless asked for; bind it to 127.0.0.1):
 * <ul>
 *   <li>{@code POST /sandbox/admin/faults} {@code {latency_ms, error_rate, down_for_seconds, rate_limit_for_seconds,
 *       retry_after_seconds, token_ttl_seconds, slow: {path, latency_ms, count}, fail: {path, status, count}}}</li>
 *   <li>{@code POST /sandbox/admin/faults} {@code {extra_transaction: true, alter_transaction: true}}: bank-side
 *       discrepancies for reconciliation ({@link SandboxFaults#tamper});</li>
 *   <li>{@code POST /sandbox/admin/reset}: back to the configured faults;</li>
 *   <li>{@code POST /sandbox/admin/expire-tokens} {@code {username?}}: every (or that user's) access token expires;</li>
 *   <li>{@code GET /sandbox/admin/state}: faults and request counters.</li>
 * </ul>
 */
public final class SandboxBankVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxBankVerticle.class);
  private static final String ADMIN = "/sandbox/admin";

  private final SandboxConfig cfg;
  private final Clock clock = Clock.systemUTC();
  private final SandboxHttp http = new SandboxHttp();
  private SandboxTokens tokens;
  private SandboxFaults faults;
  private SandboxApi api;
  private HttpServer server;

  public SandboxBankVerticle(SandboxConfig cfg) {
    this.cfg = cfg;
  }

  @Override
  public Future<?> start() {
    tokens = new SandboxTokens(clock, cfg.tokenTtlSeconds());
    faults = new SandboxFaults(cfg.latencyMs(), cfg.errorRate());
    api = new SandboxApi(cfg, tokens, http, faults);
    Router router = Router.router(vertx);
    // no file uploads: the default handler would create file-uploads/ in the working directory and write parts there
    router.route().handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
    router.post(BankProtocol.TOKEN_PATH).handler(this::faults).handler(api::token);
    router.get(BankProtocol.ACCOUNTS_PATH).handler(this::faults).handler(api::accounts);
    router.get(BankProtocol.TRANSACTIONS_PATH).handler(this::faults).handler(api::transactions);
    if (cfg.adminEndpoints()) {
      router.get(ADMIN + "/state").handler(rc -> SandboxHttp.json(rc, 200, state()));
      router.post(ADMIN + "/faults").handler(this::setFaults);
      router.post(ADMIN + "/reset").handler(this::reset);
      router.post(ADMIN + "/expire-tokens").handler(rc -> SandboxHttp.json(rc, 200,
          new JsonObject().put("expired", tokens.expire(SandboxHttp.bodyOrEmpty(rc).getString("username")))));
    }
    router.route().handler(rc -> SandboxHttp.error(rc, 404, "not_found", "no such endpoint"));
    return vertx.createHttpServer().requestHandler(router).listen(cfg.port(), cfg.host())
        .onSuccess(s -> {
          server = s;
          LOG.atInfo().addKeyValue("host", cfg.host()).addKeyValue("port", s.actualPort()).log("sandbox bank listening");
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** What this bank call meets: a delay, then the real handler or a canned failure. */
  private void faults(RoutingContext rc) {
    String path = rc.request().path();
    http.count("requests " + path);
    SandboxFaults.Plan plan = faults.plan(path, clock.millis(), ThreadLocalRandom.current().nextDouble());
    Runnable go = () -> {
      if (rc.response().closed()) return;
      if (!plan.intercepts()) {
        rc.next();
        return;
      }
      http.count("faults " + plan.status());
      if (plan.retryAfterSeconds() > 0) rc.response().putHeader("Retry-After", String.valueOf(plan.retryAfterSeconds()));
      SandboxHttp.error(rc, plan.status(), plan.error(), "injected by the sandbox");
    };
    if (plan.delayMs() > 0) vertx.setTimer(plan.delayMs(), id -> go.run());
    else go.run();
  }

  private void setFaults(RoutingContext rc) {
    try {
      JsonObject b = rc.body().asJsonObject();
      if (b == null) b = new JsonObject();
      faults.apply(b, clock.millis());
      if (b.getValue("token_ttl_seconds") instanceof Number n) {
        if (n.intValue() < 1) throw new IllegalArgumentException("token_ttl_seconds must be >= 1");
        tokens.ttlSeconds(n.intValue());
      }
    } catch (RuntimeException e) {
      SandboxHttp.error(rc, 400, "invalid_request", e.getMessage());
      return;
    }
    LOG.atInfo().addKeyValue("faults", faults.describe(clock.millis()).encode()).log("sandbox.faults.set");
    SandboxHttp.json(rc, 200, state());
  }

  private void reset(RoutingContext rc) {
    faults.reset();
    tokens.ttlSeconds(cfg.tokenTtlSeconds());
    api.forgetFlakySyncs();
    LOG.atInfo().log("sandbox.faults.reset");
    SandboxHttp.json(rc, 200, state());
  }

  private JsonObject state() {
    return new JsonObject().put("faults", faults.describe(clock.millis())).put("token_ttl_seconds", tokens.ttlSeconds())
        .put("access_tokens", tokens.size()).put("counters", http.counters());
  }
}
