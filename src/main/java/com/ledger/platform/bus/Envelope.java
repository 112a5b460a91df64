package com.ledger.platform.bus;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The success envelope of SPEC.md §1.1. */
public final class Envelope {
  private Envelope() {}

  public static JsonObject of(Object data, JsonObject metadata, String correlationId, Instant now) {
    return new JsonObject()
        .put("data", data)
        .put("success", true)
        .put("timestamp", Instant.ofEpochSecond(now.getEpochSecond()).toString())
        .put("correlation_id", correlationId)
        .put("metadata", metadata == null ? new JsonObject() : metadata);
  }
}
