package com.ledger.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

/** The security headers of every response (SPEC.md §1.3), pre-encoded once (Netty copies them as bytes). */
final class SecurityHeaders {
  static final String CSP = "default-src 'none'; script-src 'none'; style-src 'none'; img-src 'none'; font-src 'none'; "
      + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  private static final CharSequence[][] ALWAYS = optimized(
      "x-content-type-options", "nosniff",
      "x-frame-options", "DENY",
      "x-xss-protection", "1; mode=block",
      "referrer-policy", "strict-origin-when-cross-origin",
      "permissions-policy", "geolocation=(), microphone=(), camera=()",
      "content-security-policy", CSP);
  private static final CharSequence[] HSTS = optimized("strict-transport-security",
      "max-age=31536000; includeSubDomains; preload")[0];

  private SecurityHeaders() {}

  /** Sets them on {@code h}; HSTS only in production. */
  static void set(MultiMap h, boolean prod) {
    for (CharSequence[] kv : ALWAYS) h.set(kv[0], kv[1]);
    if (prod) h.set(HSTS[0], HSTS[1]);
  }

  /** Name/value pairs as pre-encoded header pairs. */
  static CharSequence[][] optimized(String... namesAndValues) {
    CharSequence[][] out = new CharSequence[namesAndValues.length / 2][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new CharSequence[] {HttpHeaders.createOptimized(namesAndValues[2 * i]),
          HttpHeaders.createOptimized(namesAndValues[2 * i + 1])};
    }
    return out;
  }
}
