package com.ledger.http;

import static com.ledger.platform.errors.ErrorCode.RATE_LIMIT_EXCEEDED;

import com.ledger.platform.config.AppConfig.HttpConfig;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The per-client rate limit of {@code /api} (SPEC.md §1.3): every answer carries the {@code X-Rate-Limit-*} headers;
 * over the limit it is 429 with {@code Retry-After}.
 */
final class RateLimitCheck {
  private static final CharSequence LIMIT = HttpHeaders.createOptimized("x-rate-limit-limit");
  private static final CharSequence REMAINING = HttpHeaders.createOptimized("x-rate-limit-remaining");
  private static final CharSequence RESET = HttpHeaders.createOptimized("x-rate-limit-reset");

  private final RateLimiter limiter;
  private final boolean trustProxy;
  private final long windowMs;
  private final CharSequence limitText;

  RateLimitCheck(HttpConfig cfg, RateLimiter limiter) {
    this.limiter = limiter;
    this.trustProxy = cfg.trustProxyHeaders();
    this.windowMs = cfg.rateLimitWindowMs();
    this.limitText = HttpHeaders.createOptimized(String.valueOf(cfg.rateLimitMax()));
  }

  /** True when the request may go on; otherwise the 429 problem has been written. */
  boolean admit(RoutingContext rc) {
    long now = System.currentTimeMillis();
    RateLimiter.Decision d = limiter.hit(clientKey(rc.request(), trustProxy), now);
    rc.response().putHeader(LIMIT, limitText).putHeader(REMAINING, String.valueOf(d.remaining()))
        .putHeader(RESET, String.valueOf(d.resetAtMs()));
    if (d.allowed()) return true;
    rc.response().putHeader("Retry-After", String.valueOf((d.retryAfterMs() + 999) / 1000));
    Problems.write(rc, new LedgerException(RATE_LIMIT_EXCEEDED,
        "Too many requests: at most " + d.limit() + " per " + windowMs / 1000 + " s",
        new JsonObject().put("limit", d.limit()).put("window_ms", windowMs).put("retry_after_ms", d.retryAfterMs())));
    return false;
  }

  /** The rate-limit key: the remote IP, or the first X-Forwarded-For entry when proxies are trusted. */
  static String clientKey(HttpServerRequest req, boolean trustProxy) {
    if (trustProxy) {
      String xff = req.getHeader("X-Forwarded-For");
      if (xff != null && !xff.isBlank()) return xff.split(",")[0].trim();
    }
    return req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
  }
}
