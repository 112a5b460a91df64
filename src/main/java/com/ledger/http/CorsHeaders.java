package com.ledger.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Set;

/**
 * The CORS headers of every response (SPEC.md §1.3): a configured origin is echoed with credentials allowed, any
 * other request gets {@code *}. Preflights ({@code OPTIONS /api/...}) are answered by {@link RequestGate}.
 */
final class CorsHeaders {
  private static final CharSequence[][] ALWAYS = SecurityHeaders.optimized(
      "access-control-allow-methods", "GET, POST, PUT, DELETE, PATCH, OPTIONS",
      "access-control-allow-headers", "accept, accept-encoding, authorization, content-type, x-correlation-id, "
          + "x-api-version, x-requested-with, idempotency-key, prefer",
      "access-control-max-age", "86400");
  private static final CharSequence ALLOW_ORIGIN = HttpHeaders.createOptimized("access-control-allow-origin");
  private static final CharSequence ANY_ORIGIN = HttpHeaders.createOptimized("*");

  private final Set<String> allowedOrigins;

  CorsHeaders(List<String> allowedOrigins) {
    this.allowedOrigins = Set.copyOf(allowedOrigins);
  }

  void set(HttpServerRequest req, MultiMap h) {
    String origin = req.getHeader(HttpHeaders.ORIGIN);
    if (origin != null && allowedOrigins.contains(origin)) {
      h.set("access-control-allow-origin", origin).set("access-control-allow-credentials", "true").add("vary", "Origin");
    } else {
      h.set(ALLOW_ORIGIN, ANY_ORIGIN);
    }
    for (CharSequence[] kv : ALWAYS) h.set(kv[0], kv[1]);
  }
}
