package com.ledger.sandbox;

import com.ledger.banksync.api.BankProtocol;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox bank (role {@code sandbox-bank}): a small HTTP server of ours on its own port that speaks the bank
 * protocol of SPEC.md §8.2 ({@link BankProtocol}) with deterministic data ({@link SandboxLedger}), expiring OAuth2
 * access tokens ({@link SandboxTokens}) and fault injection ({@link SandboxFaults}). Admin endpoints under
 * {@code /sandbox/admin} change the faults at run time (dev and tests only; bind it to 127.0.0.1).
 */
public final class SandboxBankVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxBankVerticle.class);
  private static final String ADMIN = "/sandbox/admin";
  private static final int MAX_FLAKY_KEYS = 10_000;

  private final SandboxConfig cfg;
  private final Clock clock = Clock.systemUTC();
  private SandboxTokens tokens;
  private SandboxFaults faults;
  private final Set<String> flakySeen = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  private HttpServer server;

  public SandboxBankVerticle(SandboxConfig cfg) {
    this.cfg = cfg;
  }

  @Override
  public Future<?> start() {
    tokens = new SandboxTokens(clock, cfg.tokenTtlSeconds());
    faults = new SandboxFaults(cfg.latencyMs(), cfg.errorRate());
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router.post(BankProtocol.TOKEN_PATH).handler(this::faults).handler(this::token);
    router.get(BankProtocol.ACCOUNTS_PATH).handler(this::faults).handler(this::accounts);
    router.get(BankProtocol.TRANSACTIONS_PATH).handler(this::faults).handler(this::transactions);
    router.get(ADMIN + "/state").handler(rc -> json(rc, 200, state()));
    router.post(ADMIN + "/faults").handler(this::setFaults);
    router.post(ADMIN + "/reset").handler(rc -> {
      faults.reset();
      tokens.ttlSeconds(cfg.tokenTtlSeconds());
      flakySeen.clear();
      LOG.atInfo().log("sandbox.faults.reset");
      json(rc, 200, state());
    });
    router.post(ADMIN + "/expire-tokens").handler(rc -> {
      JsonObject b = bodyOrEmpty(rc);
      int n = tokens.expire(b.getString("username"));
      json(rc, 200, new JsonObject().put("expired", n));
    });
    router.route().handler(rc -> error(rc, 404, "not_found", "no such endpoint"));
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

  // ------------------------------------------------------------------ faults

  private void faults(RoutingContext rc) {
    String path = rc.request().path();
    count("requests " + path);
    SandboxFaults.Plan plan = faults.plan(path, clock.millis(), ThreadLocalRandom.current().nextDouble());
    Runnable go = () -> {
      if (rc.response().closed()) return;
      if (!plan.intercepts()) {
        rc.next();
        return;
      }
      count("faults " + plan.status());
      if (plan.retryAfterSeconds() > 0) rc.response().putHeader("Retry-After", String.valueOf(plan.retryAfterSeconds()));
      error(rc, plan.status(), plan.error(), "injected by the sandbox");
    };
    if (plan.delayMs() > 0) vertx.setTimer(plan.delayMs(), id -> go.run());
    else go.run();
  }

  private void setFaults(RoutingContext rc) {
    JsonObject b;
    try {
      b = rc.body().asJsonObject();
      if (b == null) b = new JsonObject();
      faults.apply(b, clock.millis());
      if (b.getValue("token_ttl_seconds") instanceof Number n) {
        if (n.intValue() < 1) throw new IllegalArgumentException("token_ttl_seconds must be >= 1");
        tokens.ttlSeconds(n.intValue());
      }
    } catch (RuntimeException e) {
      error(rc, 400, "invalid_request", e.getMessage());
      return;
    }
    LOG.atInfo().addKeyValue("faults", faults.describe(clock.millis()).encode()).log("sandbox.faults.set");
    json(rc, 200, state());
  }

  private JsonObject state() {
    JsonObject c = new JsonObject();
    counters.forEach((k, v) -> c.put(k, v.get()));
    return new JsonObject().put("faults", faults.describe(clock.millis())).put("token_ttl_seconds", tokens.ttlSeconds())
        .put("access_tokens", tokens.size()).put("counters", c);
  }

  // ------------------------------------------------------------------ OAuth2

  private void token(RoutingContext rc) {
    var form = rc.request().formAttributes();
    String clientId = form.get("client_id");
    String clientSecret = form.get("client_secret");
    if (!cfg.clientId().equals(clientId) || !cfg.clientSecret().equals(clientSecret)) {
      count("token invalid_client");
      error(rc, 401, "invalid_client", "unknown client or wrong client secret");
      return;
    }
    String grant = form.get("grant_type");
    if ("password".equals(grant)) {
      String username = form.get("username");
      String password = form.get("password");
      if (username == null || username.isBlank() || password == null) {
        error(rc, 400, "invalid_request", "username and password are required");
        return;
      }
      if (!SandboxLedger.acceptsPassword(password)) {
        count("token password rejected");
        error(rc, 400, "invalid_grant", "invalid username or password");
        return;
      }
      count("token password");
      issued(rc, tokens.issue(username));
    } else if ("refresh_token".equals(grant)) {
      String rt = form.get("refresh_token");
      if (!SandboxLedger.acceptsRefreshToken(rt)) {
        count("token refresh rejected");
        error(rc, 400, "invalid_grant", "refresh token is invalid");
        return;
      }
      count("token refresh");
      issued(rc, tokens.issue(tokens.ownerOfRefreshToken(rt)));
    } else {
      error(rc, 400, "unsupported_grant_type", "grant_type must be password or refresh_token");
    }
  }

  private void issued(RoutingContext rc, SandboxTokens.Issued t) {
    json(rc, 200, new JsonObject().put("access_token", t.accessToken()).put("refresh_token", t.refreshToken())
        .put("token_type", "Bearer").put("expires_in", t.expiresIn()).put("scope", SandboxLedger.SCOPE)
        .put("user_id", t.username() == null ? null : SandboxLedger.providerUserId(t.username())));
  }

  // ------------------------------------------------------------------ data

  private void accounts(RoutingContext rc) {
    SandboxTokens.Grant grant = authorize(rc);
    if (grant == null) return;
    SandboxLedger.LoginContext ctx = context(rc);
    if (ctx == null) return;
    if (grant.username() != null && grant.username().startsWith("flaky")) {
      String key = grant.username() + "|" + ctx.loginId() + "|" + rc.request().getHeader(BankProtocol.H_SYNC_ID);
      if (flakySeen.size() > MAX_FLAKY_KEYS) flakySeen.clear();
      if (flakySeen.add(key)) {
        count("faults flaky");
        error(rc, 503, "temporarily_unavailable", "flaky login: first accounts call of a sync fails");
        return;
      }
    }
    json(rc, 200, new JsonObject().put("accounts", SandboxLedger.accounts(ctx)));
  }

  private void transactions(RoutingContext rc) {
    SandboxTokens.Grant grant = authorize(rc);
    if (grant == null) return;
    SandboxLedger.LoginContext ctx = context(rc);
    if (ctx == null) return;
    String accountId = rc.queryParams().get("account_id");
    if (accountId == null || accountId.isBlank()) {
      error(rc, 400, "invalid_request", "account_id is required");
      return;
    }
    Instant since = null;
    String s = rc.queryParams().get("since");
    if (s != null && !s.isBlank()) {
      try {
        since = Instant.parse(s);
      } catch (DateTimeParseException e) {
        error(rc, 400, "invalid_request", "since must be an RFC 3339 timestamp");
        return;
      }
    }
    json(rc, 200, new JsonObject().put("transactions", SandboxLedger.transactions(ctx, accountId, since)));
  }

  private SandboxTokens.Grant authorize(RoutingContext rc) {
    String h = rc.request().getHeader("Authorization");
    String token = h != null && h.startsWith("Bearer ") ? h.substring(7).trim() : null;
    SandboxTokens.Grant g = tokens.validate(token);
    if (g == null) {
      count("data invalid_token");
      rc.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      error(rc, 401, "invalid_token", "the access token is missing, unknown or expired");
    }
    return g;
  }

  private SandboxLedger.LoginContext context(RoutingContext rc) {
    var r = rc.request();
    String loginId = r.getHeader(BankProtocol.H_LOGIN_ID);
    String created = r.getHeader(BankProtocol.H_LOGIN_CREATED);
    String bankName = r.getHeader(BankProtocol.H_BANK_NAME);
    String country = r.getHeader(BankProtocol.H_BANK_COUNTRY);
    try {
      if (loginId == null || loginId.replace("-", "").length() < 16 || bankName == null || bankName.isBlank()) {
        throw new IllegalArgumentException();
      }
      return new SandboxLedger.LoginContext(loginId, Instant.parse(created), bankName, country);
    } catch (RuntimeException e) {
      error(rc, 400, "invalid_request", "the sandbox needs the " + BankProtocol.H_LOGIN_ID + ", "
          + BankProtocol.H_LOGIN_CREATED + " and " + BankProtocol.H_BANK_NAME + " headers");
      return null;
    }
  }

  // ------------------------------------------------------------------ helpers

  private void count(String key) {
    counters.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
  }

  private static JsonObject bodyOrEmpty(RoutingContext rc) {
    try {
      JsonObject b = rc.body().asJsonObject();
      return b == null ? new JsonObject() : b;
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  private static void error(RoutingContext rc, int status, String error, String description) {
    json(rc, status, new JsonObject().put("error", error).put("error_description", description));
  }

  private static void json(RoutingContext rc, int status, JsonObject body) {
    if (rc.response().ended() || rc.response().closed()) return;
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
