package com.ledger.platform.bus;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The success envelope of SPEC.md §1.1. */
public final class Envelope {
  /** The last second formatted (ISO-8601, whole seconds): every envelope of that second reuses its text. */
  private record Stamp(long second, String text) {}

  private static volatile Stamp last = new Stamp(Long.MIN_VALUE, "");

  private Envelope() {}

  public static JsonObject of(Object data, JsonObject metadata, String correlationId, Instant now) {
    return new JsonObject()
        .put("data", data)
        .put("success", true)
        .put("timestamp", timestamp(now.getEpochSecond()))
        .put("correlation_id", correlationId)
        .put("metadata", metadata == null ? new JsonObject() : metadata);
  }

  /** {@code Instant.ofEpochSecond(second).toString()}, formatted once per second. */
  static String timestamp(long second) {
    Stamp s = last;
    if (s.second() != second) {
      s = new Stamp(second, Instant.ofEpochSecond(second).toString());
      last = s;
    }
    return s.text();
  }
}
