package com.ledger.http;

import io.netty.util.AsciiString;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** The request's correlation id: a sane client {@code X-Correlation-ID} is kept, otherwise 32 hex chars. */
public final class Correlation {
  public static final String KEY = "ledger.cid";
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final CharSequence CORRELATION = io.vertx.core.http.HttpHeaders.createOptimized("x-correlation-id");
  private static final CharSequence REQUEST = io.vertx.core.http.HttpHeaders.createOptimized("x-request-id");

  private Correlation() {}

  public static String id(RoutingContext rc) {
    String cid = rc.get(KEY);
    return cid == null ? assign(rc) : cid;
  }

  /**
   * Sets both response headers and keeps the id in {@code rc}. Generated ids go into the headers as ASCII bytes
   * ({@link AsciiString}): Netty copies them as they are instead of encoding a String char by char.
   */
  static String assign(RoutingContext rc) {
    String given = rc.request().getHeader("X-Correlation-ID");
    String cid;
    CharSequence header;
    if (isSane(given)) {
      cid = given;
      header = given;
    } else {
      byte[] id = newIdBytes();
      cid = new String(id, StandardCharsets.ISO_8859_1);
      header = new AsciiString(id, false);
    }
    rc.put(KEY, cid);
    rc.response().putHeader(CORRELATION, header).putHeader(REQUEST, new AsciiString(newIdBytes(), false));
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
    return new String(newIdBytes(), StandardCharsets.ISO_8859_1);
  }

  /** {@link #newId()} as ASCII bytes (lower-case hex of two random longs). */
  static byte[] newIdBytes() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    byte[] out = new byte[32];
    hex(r.nextLong(), out, 0);
    hex(r.nextLong(), out, 16);
    return out;
  }

  private static void hex(long v, byte[] out, int at) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
  }
}
