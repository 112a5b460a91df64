package com.ledger.platform.jobs;

import com.ledger.platform.errors.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One entry of a job's {@code errors} array: {@code {attempt, at, reason, category, message}} (SPEC.md §7.3). */
public record JobError(int attempt, Instant at, ErrorCode code, String message) {

  public String reason() {
    return code.reason();
  }

  public String category() {
    return code.category.wireName();
  }

  public JsonObject toJson() {
    return new JsonObject().put("attempt", attempt).put("at", Job.ts(at)).put("reason", reason())
        .put("category", category()).put("message", message);
  }
}
