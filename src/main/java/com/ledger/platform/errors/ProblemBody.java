package com.ledger.platform.errors;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The RFC 9457 problem body with the legacy {@code error} member (SPEC.md §1.2), for one catalog failure. */
public final class ProblemBody {
  public static final String CONTENT_TYPE = "application/problem+json";

  private ProblemBody() {}

  public static JsonObject of(ErrorCode code, String detail, JsonObject details, String instance, Instant now) {
    String ts = Instant.ofEpochSecond(now.getEpochSecond()).toString();
    JsonObject core = new JsonObject()
        .put("type", code.type())
        .put("title", code.title)
        .put("status", code.status)
        .put("code", code.status)
        .put("reason", code.reason())
        .put("category", code.category.wireName())
        .put("retryable", code.retryable())
        .put("timestamp", ts)
        .put("message", code.title)
        .put("instance", instance)
        .put("details", details == null ? new JsonObject() : details);
    if (code.retryable() && code.category != ErrorCategory.RATE_LIMIT) {
      core.put("retry_after_ms", code.category.retryDelayMs).put("max_retry_attempts", code.category.maxRetryAttempts);
    }
    JsonObject body = core.copy().put("detail", detail == null || detail.isBlank() ? code.title : detail);
    return body.put("error", core);
  }

}
