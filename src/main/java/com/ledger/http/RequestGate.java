package com.ledger.http;

import com.ledger.platform.config.AppConfig.HttpConfig;
import com.ledger.platform.errors.LedgerException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs first on every request (a {@link PlatformHandler}, so it may precede the BodyHandler) and applies, in this
 * order: {@link Correlation}, the request timer ({@link Metrics}), {@link SecurityHeaders}, {@link CorsHeaders}, the
 * {@code /api} preflight (204), {@link RateLimitCheck}, {@link SizeLimits}, {@link ApiVersionCheck},
 * {@link JsonContentType}. One handler rather than nine root handlers: vertx-web orders root handlers by kind, and
 * the order above is part of the responses (which headers a rejection carries).
 */
public final class RequestGate implements PlatformHandler {
  private static final CharSequence API_VERSION = HttpHeaders.createOptimized("x-api-version");
  private static final CharSequence ONE = HttpHeaders.createOptimized("1");

  private final boolean prod;
  private final MeterRegistry registry;
  private final CorsHeaders cors;
  private final RateLimitCheck rateLimit;  // null when rate_limit.enabled is false
  private final SizeLimits limits;
  /** This verticle's (event loop's) registered request timers. */
  private final Map<Metrics.TimerKey, Timer> timers = new HashMap<>();

  public RequestGate(HttpConfig cfg, RateLimiter limiter, boolean prod, MeterRegistry registry) {
    this.prod = prod;
    this.registry = registry;
    this.cors = new CorsHeaders(cfg.allowedOrigins());
    this.rateLimit = cfg.rateLimitEnabled() ? new RateLimitCheck(cfg, limiter) : null;
    this.limits = new SizeLimits(cfg);
  }

  @Override
  public void handle(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    HttpServerResponse res = rc.response();
    Correlation.assign(rc);
    Metrics.startTimer(rc, registry, timers);
    MultiMap h = res.headers();
    SecurityHeaders.set(h, prod);
    cors.set(req, h);
    boolean api = req.path().startsWith("/api");
    if (req.method() == HttpMethod.OPTIONS && api) {
      res.setStatusCode(204).end();
      return;
    }
    if (api && rateLimit != null && !rateLimit.admit(rc)) return;
    LedgerException rejected = limits.check(req);
    if (rejected == null && api) rejected = ApiVersionCheck.check(req);
    if (rejected == null) rejected = JsonContentType.check(req);
    if (rejected != null) {
      Problems.write(rc, rejected);
      return;
    }
    if (api) res.putHeader(API_VERSION, ONE);
    rc.next();
  }

  /** A client-sent value echoed in a problem, cut to 64 characters. */
  static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) : s;
  }
}
