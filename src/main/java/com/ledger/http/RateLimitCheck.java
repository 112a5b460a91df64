package com.ledger.http;

import static com.ledger.platform.errors.ErrorCode.RATE_LIMIT_EXCEEDED;

import com.ledger.platform.config.AppConfig.HttpConfig;
import com.ledger.platform.errors.LedgerException;
import io.netty.util.AsciiString;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The per-client rate limit of {@code /api} (SPEC.md §1.3): every answer carries the {@code X-Rate-Limit-*} headers;
 * over the limit it is 429 with {@code Retry-After}.
 *
 * <p>One instance per HTTP verticle (event loop), so its memos take no lock: the text of each connection's remote
 * address (a connection keeps its address; formatting it was a String per request) and of the last reset time (the same
 * for every request of a bucket). The header values are written as ASCII bytes.
 */
final class RateLimitCheck {
  /** The request's client key, kept in the routing context for the bus message (computed once per request). */
  static final String CLIENT_KEY = "ledger.client";
  /** Remote addresses remembered per event loop before the memo starts over (a bound, not an LRU). */
  static final int MAX_ADDRESSES = 4096;
  private static final CharSequence LIMIT = HttpHeaders.createOptimized("x-rate-limit-limit");
  private static final CharSequence REMAINING = HttpHeaders.createOptimized("x-rate-limit-remaining");
  private static final CharSequence RESET = HttpHeaders.createOptimized("x-rate-limit-reset");

  private final RateLimiter limiter;
  private final boolean trustProxy;
  private final long windowMs;
  private final CharSequence limitText;
  private final Map<SocketAddress, String> addresses = new IdentityHashMap<>();
  private long lastReset = Long.MIN_VALUE;
  private CharSequence lastResetText;

  RateLimitCheck(HttpConfig cfg, RateLimiter limiter) {
    this.limiter = limiter;
    this.trustProxy = cfg.trustProxyHeaders();
    this.windowMs = cfg.rateLimitWindowMs();
    this.limitText = HttpHeaders.createOptimized(String.valueOf(cfg.rateLimitMax()));
  }

  /** True when the request may go on; otherwise the 429 problem has been written. */
  boolean admit(RoutingContext rc) {
    long now = System.currentTimeMillis();
    String key = key(rc.request());
    rc.put(CLIENT_KEY, key);
    RateLimiter.Decision d = limiter.hit(key, now);
    if (d.resetAtMs() != lastReset) {
      lastReset = d.resetAtMs();
      lastResetText = ascii(lastReset);
    }
    rc.response().putHeader(LIMIT, limitText).putHeader(REMAINING, ascii(d.remaining())).putHeader(RESET, lastResetText);
    if (d.allowed()) return true;
    rc.response().putHeader("Retry-After", String.valueOf((d.retryAfterMs() + 999) / 1000));
    Problems.write(rc, new LedgerException(RATE_LIMIT_EXCEEDED,
        "Too many requests: at most " + d.limit() + " per " + windowMs / 1000 + " s",
        new JsonObject().put("limit", d.limit()).put("window_ms", windowMs).put("retry_after_ms", d.retryAfterMs())));
    return false;
  }

  /** {@link #clientKey}, with the remote address's text remembered per connection address. */
  private String key(HttpServerRequest req) {
    String forwarded = trustProxy ? forwardedFor(req) : null;
    if (forwarded != null) return forwarded;
    // the connection's address object (kept by the connection): the routing context's request wrapper would work out
    // its forwarded scheme, authority and absolute URI first (no forwarded headers are allowed, so it is the same)
    SocketAddress remote = req.connection() == null ? req.remoteAddress() : req.connection().remoteAddress();
    if (remote == null) return "unknown";
    String text = addresses.get(remote);
    if (text == null) {
      if (addresses.size() >= MAX_ADDRESSES) addresses.clear();
      text = remote.hostAddress();
      addresses.put(remote, text);
    }
    return text;
  }

  /** The request's client key: the one {@link #admit} computed, else {@link #clientKey}. */
  static String clientKey(RoutingContext rc, boolean trustProxy) {
    String key = rc.get(CLIENT_KEY);
    return key != null ? key : clientKey(rc.request(), trustProxy);
  }

  /** The rate-limit key: the remote IP, or the first X-Forwarded-For entry when proxies are trusted. */
  static String clientKey(HttpServerRequest req, boolean trustProxy) {
    String forwarded = trustProxy ? forwardedFor(req) : null;
    if (forwarded != null) return forwarded;
    return req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
  }

  /** The first X-Forwarded-For entry, or null when there is none. */
  private static String forwardedFor(HttpServerRequest req) {
    String xff = req.getHeader("X-Forwarded-For");
    return xff == null || xff.isBlank() ? null : xff.split(",")[0].trim();
  }

  /** The decimal digits of {@code v} as ASCII bytes. */
  static AsciiString ascii(long v) {
    if (v == 0) return new AsciiString(new byte[] {'0'}, false);
    boolean negative = v < 0;
    byte[] buf = new byte[20];
    int at = buf.length;
    long n = v;
    while (n != 0) {
      buf[--at] = (byte) ('0' + Math.abs(n % 10));
      n /= 10;
    }
    if (negative) buf[--at] = '-';
    return new AsciiString(buf, at, buf.length - at, false);
  }
}
