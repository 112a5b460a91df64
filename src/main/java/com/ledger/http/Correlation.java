package com.ledger.http;

import io.vertx.ext.web.RoutingContext;
import java.util.HexFormat;

/** The request's correlation id: a sane client {@code X-Correlation-ID} is kept, otherwise 32 hex chars. */
public final class Correlation {
  public static final String KEY = "ledger.cid";
  private static final HexFormat HEX = HexFormat.of();
  private static final CharSequence CORRELATION = io.vertx.core.http.HttpHeaders.createOptimized("x-correlation-id");
  private static final CharSequence REQUEST = io.vertx.core.http.HttpHeaders.createOptimized("x-request-id");

  private Correlation() {}

  public static String id(RoutingContext rc) {
    String cid = rc.get(KEY);
    return cid == null ? assign(rc) : cid;
  }

  static String assign(RoutingContext rc) {
    String cid = of(rc.request().getHeader("X-Correlation-ID"));
    rc.put(KEY, cid);
    rc.response().putHeader(CORRELATION, cid).putHeader(REQUEST, newId());
    return cid;
  }

  /** The client's id when it is sane, otherwise a new one: never empty, never altered. */
  static String of(String given) {
    return isSane(given) ? given : newId();
  }

  /** 1-128 visible ASCII characters (0x21-0x7E): no space, no control character, no DEL, nothing beyond ASCII. */
  static boolean isSane(String s) {
    if (s == null || s.isEmpty() || s.length() > 128) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7e) return false;
    }
    return true;
  }

  /** 32 hex characters; an identifier, not a secret, so a thread-local generator (no lock shared by event loops). */
  public static String newId() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    return HEX.toHexDigits(r.nextLong()) + HEX.toHexDigits(r.nextLong());
  }
}
