package com.ledger.platform.idempotency;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * SPEC.md §6.9: SHA-256 (64 lowercase hex) of method + concrete path + canonical JSON of the parsed body (object
 * keys sorted at every level, no whitespace), so key order and formatting do not matter. Pure.
 */
public final class Fingerprint {
  private Fingerprint() {}

  public static String of(String method, String path, JsonObject body) {
    return sha256(text(method, path, body));
  }

  /** What is digested: method, concrete path and canonical body. */
  static String text(String method, String path, JsonObject body) {
    return method + " " + path + "\n" + canonical(body == null ? new JsonObject() : body);
  }

  static String sha256(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String canonical(Object v) {
    if (v instanceof JsonObject o) return canonical(o.getMap());
    if (v instanceof Map<?, ?> m) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      m.forEach((k, val) -> sorted.put(String.valueOf(k), val));
      StringBuilder sb = new StringBuilder("{");
      sorted.forEach((k, val) -> {
        if (sb.length() > 1) sb.append(',');
        sb.append(Json.encode(k)).append(':').append(canonical(val));
      });
      return sb.append('}').toString();
    }
    if (v instanceof JsonArray a) return canonical(a.getList());
    if (v instanceof Iterable<?> it) {
      StringBuilder sb = new StringBuilder("[");
      for (Object item : it) {
        if (sb.length() > 1) sb.append(',');
        sb.append(canonical(item));
      }
      return sb.append(']').toString();
    }
    return Json.encode(v);
  }
}
