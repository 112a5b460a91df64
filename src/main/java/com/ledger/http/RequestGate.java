package com.ledger.http;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.config.AppConfig.HttpConfig;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs first on every request (a {@link PlatformHandler}, so it may precede the BodyHandler): correlation id,
 * security and CORS headers, preflight, rate limit, size limits, API version and the JSON content-type rule.
 */
public final class RequestGate implements PlatformHandler {
  static final String CSP = "default-src 'none'; script-src 'none'; style-src 'none'; img-src 'none'; font-src 'none'; "
      + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  /** Header names and values that every response carries, pre-encoded once (Netty copies them as bytes). */
  private static final CharSequence[][] SECURITY_HEADERS = optimized(
      "x-content-type-options", "nosniff",
      "x-frame-options", "DENY",
      "x-xss-protection", "1; mode=block",
      "referrer-policy", "strict-origin-when-cross-origin",
      "permissions-policy", "geolocation=(), microphone=(), camera=()",
      "content-security-policy", CSP);
  private static final CharSequence[] HSTS = optimized("strict-transport-security",
      "max-age=31536000; includeSubDomains; preload")[0];
  private static final CharSequence[][] CORS = optimized(
      "access-control-allow-methods", "GET, POST, PUT, DELETE, PATCH, OPTIONS",
      "access-control-allow-headers", "accept, accept-encoding, authorization, content-type, x-correlation-id, "
          + "x-api-version, x-requested-with, idempotency-key, prefer",
      "access-control-max-age", "86400");
  private static final CharSequence ALLOW_ORIGIN = HttpHeaders.createOptimized("access-control-allow-origin");
  private static final CharSequence ANY_ORIGIN = HttpHeaders.createOptimized("*");
  private static final CharSequence API_VERSION = HttpHeaders.createOptimized("x-api-version");
  private static final CharSequence ONE = HttpHeaders.createOptimized("1");
  private static final CharSequence LIMIT = HttpHeaders.createOptimized("x-rate-limit-limit");
  private static final CharSequence REMAINING = HttpHeaders.createOptimized("x-rate-limit-remaining");
  private static final CharSequence RESET = HttpHeaders.createOptimized("x-rate-limit-reset");
  private static final Set<HttpMethod> BODY_METHODS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);
  private static final Pattern ACCEPT_VERSION = Pattern.compile("version\\s*=\\s*\"?([^;,\"\\s]*)");

  private final HttpConfig cfg;
  private final Set<String> allowedOrigins;
  private final RateLimiter limiter;
  private final boolean prod;
  private final io.micrometer.core.instrument.MeterRegistry registry;
  private final CharSequence limitText;
  /** This verticle's (event loop's) registered request timers. */
  private final Map<String, io.micrometer.core.instrument.Timer> timers = new java.util.HashMap<>();

  public RequestGate(HttpConfig cfg, RateLimiter limiter, boolean prod,
      io.micrometer.core.instrument.MeterRegistry registry) {
    this.registry = registry;
    this.cfg = cfg;
    this.allowedOrigins = Set.copyOf(cfg.allowedOrigins());
    this.limiter = limiter;
    this.prod = prod;
    this.limitText = HttpHeaders.createOptimized(String.valueOf(cfg.rateLimitMax()));
  }

  @Override
  public void handle(RoutingContext rc) {
    HttpServerRequest req = rc.request();
    HttpServerResponse res = rc.response();
    Correlation.assign(rc);
    Metrics.startTimer(rc, registry, timers);
    MultiMap h = res.headers();
    securityHeaders(h, prod);
    cors(req, h);
    boolean api = req.path().startsWith("/api");
    if (req.method() == HttpMethod.OPTIONS && api) {
      res.setStatusCode(204).end();
      return;
    }
    if (api && cfg.rateLimitEnabled() && !rateLimit(rc)) return;
    LedgerException rejected = checkLimits(req);
    if (rejected == null && api) rejected = checkVersion(req);
    if (rejected == null) rejected = checkContentType(req, rc);
    if (rejected != null) {
      Problems.write(rc, rejected);
      return;
    }
    if (api) res.putHeader(API_VERSION, ONE);
    rc.next();
  }

  /** The security headers of every response (SPEC.md §1.3); HSTS only in production. */
  static void securityHeaders(MultiMap h, boolean prod) {
    for (CharSequence[] kv : SECURITY_HEADERS) h.set(kv[0], kv[1]);
    if (prod) h.set(HSTS[0], HSTS[1]);
  }

  private static CharSequence[][] optimized(String... namesAndValues) {
    CharSequence[][] out = new CharSequence[namesAndValues.length / 2][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new CharSequence[] {HttpHeaders.createOptimized(namesAndValues[2 * i]),
          HttpHeaders.createOptimized(namesAndValues[2 * i + 1])};
    }
    return out;
  }

  private void cors(HttpServerRequest req, MultiMap h) {
    String origin = req.getHeader(HttpHeaders.ORIGIN);
    if (origin != null && allowedOrigins.contains(origin)) {
      h.set("access-control-allow-origin", origin).set("access-control-allow-credentials", "true").add("vary", "Origin");
    } else {
      h.set(ALLOW_ORIGIN, ANY_ORIGIN);
    }
    for (CharSequence[] kv : CORS) h.set(kv[0], kv[1]);
  }

  private boolean rateLimit(RoutingContext rc) {
    long now = System.currentTimeMillis();
    RateLimiter.Decision d = limiter.hit(clientKey(rc.request(), cfg.trustProxyHeaders()), now);
    rc.response().putHeader(LIMIT, limitText).putHeader(REMAINING, String.valueOf(d.remaining()))
        .putHeader(RESET, String.valueOf(d.resetAtMs()));
    if (d.allowed()) return true;
    rc.response().putHeader("Retry-After", String.valueOf((d.retryAfterMs() + 999) / 1000));
    Problems.write(rc, new LedgerException(RATE_LIMIT_EXCEEDED,
        "Too many requests: at most " + d.limit() + " per " + cfg.rateLimitWindowMs() / 1000 + " s",
        new JsonObject().put("limit", d.limit()).put("window_ms", cfg.rateLimitWindowMs())
            .put("retry_after_ms", d.retryAfterMs())));
    return false;
  }

  /** The rate-limit key: the remote IP, or the first X-Forwarded-For entry when proxies are trusted. */
  public static String clientKey(HttpServerRequest req, boolean trustProxy) {
    if (trustProxy) {
      String xff = req.getHeader("X-Forwarded-For");
      if (xff != null && !xff.isBlank()) return xff.split(",")[0].trim();
    }
    return req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
  }

  private LedgerException checkLimits(HttpServerRequest req) {
    if (req.uri().length() > cfg.maxUriBytes()) {
      return new LedgerException(REQUEST_URI_TOO_LONG, "The request URI exceeds " + cfg.maxUriBytes() + " bytes",
          new JsonObject().put("max_bytes", cfg.maxUriBytes()));
    }
    int headerBytes = 0;
    for (Map.Entry<String, String> e : req.headers()) headerBytes += e.getKey().length() + e.getValue().length() + 4;
    if (headerBytes > cfg.maxHeaderBytes()) {
      return new LedgerException(REQUEST_HEADERS_TOO_LARGE, "The request headers exceed " + cfg.maxHeaderBytes()
          + " bytes", new JsonObject().put("max_bytes", cfg.maxHeaderBytes()));
    }
    String len = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (len != null) {
      long n;
      try {
        n = Long.parseLong(len.trim());
      } catch (NumberFormatException e) {
        n = Long.MAX_VALUE;
      }
      if (n > cfg.bodyLimitBytes()) return bodyTooLarge(cfg.bodyLimitBytes());
    }
    return null;
  }

  static LedgerException bodyTooLarge(int limit) {
    return new LedgerException(REQUEST_BODY_TOO_LARGE, "The request body exceeds " + limit + " bytes",
        new JsonObject().put("max_bytes", limit));
  }

  private static LedgerException checkVersion(HttpServerRequest req) {
    String v = null;
    String accept = req.getHeader(HttpHeaders.ACCEPT);
    if (accept != null) {
      Matcher m = ACCEPT_VERSION.matcher(accept);
      if (m.find()) v = m.group(1);
    }
    if (v == null) v = req.getHeader("X-API-Version");
    if (v == null) v = req.getParam("version");
    if (v == null || v.equals("1") || v.equalsIgnoreCase("v1")) return null;
    return new LedgerException(UNSUPPORTED_API_VERSION, "API version '" + abbreviate(v) + "' is not supported",
        new JsonObject().put("supported_versions", List.of("1", "v1")));
  }

  private static LedgerException checkContentType(HttpServerRequest req, RoutingContext rc) {
    if (!BODY_METHODS.contains(req.method())) {
      // no operation reads a body here; a form Content-Type on a GET would make the BodyHandler throw (500)
      req.headers().remove(HttpHeaders.CONTENT_TYPE);
      return null;
    }
    String ct = req.getHeader(HttpHeaders.CONTENT_TYPE);
    if (ct == null || ct.isBlank()) {
      req.headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
      return null;
    }
    String mime = ct.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (mime.equals("application/json")) return null;
    if (mime.startsWith("application/") && mime.endsWith("+json")) {
      req.headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
      return null;
    }
    return new LedgerException(UNSUPPORTED_MEDIA_TYPE, "Request bodies must be application/json",
        new JsonObject().put("content_type", abbreviate(mime)));
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) : s;
  }
}
