package com.ledger.platform.jobs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** A row of {@code jobs.jobs}. {@link #toJson()} is the API's job object (SPEC.md §2.6). */
public record Job(
    UUID id,
    String worker,
    String queue,
    String state,
    JsonObject args,
    String uniqueKey,
    int priority,
    int attempt,
    int maxAttempts,
    JsonArray errors,
    JsonObject result,
    UUID userId,
    String lockedBy,
    Instant leaseUntil,
    int timeoutSeconds,
    Instant insertedAt,
    Instant scheduledAt,
    Instant attemptedAt,
    Instant completedAt,
    Instant deadAt) {

  /** The job of a {@code jobs.jobs} row (any query selecting its columns). */
  public static Job from(Row r) {
    Object result = r.getValue("result");
    return new Job(r.getUUID("id"), r.getString("worker"), r.getString("queue"), r.getString("state"),
        jsonObject(r.getValue("args")), r.getString("unique_key"), r.getInteger("priority"), r.getInteger("attempt"),
        r.getInteger("max_attempts"), r.getValue("errors") instanceof JsonArray a ? a : new JsonArray(),
        result instanceof JsonObject o ? o : null, r.getUUID("user_id"), r.getString("locked_by"),
        instant(r.getOffsetDateTime("lease_until")), r.getInteger("timeout_seconds"),
        instant(r.getOffsetDateTime("inserted_at")), instant(r.getOffsetDateTime("scheduled_at")),
        instant(r.getOffsetDateTime("attempted_at")), instant(r.getOffsetDateTime("completed_at")),
        instant(r.getOffsetDateTime("dead_at")));
  }

  /** A string argument, e.g. {@code job.arg("payment_id")}. */
  public String arg(String name) {
    Object v = args.getValue(name);
    return v == null ? null : String.valueOf(v);
  }

  /** The job object of the API: {@code {id, worker, queue, state, attempt, max_attempts, priority, args, errors,
   * result, user_id, inserted_at, scheduled_at, attempted_at, completed_at, dead_at}}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("worker", worker)
        .put("queue", queue)
        .put("state", state)
        .put("attempt", attempt)
        .put("max_attempts", maxAttempts)
        .put("priority", priority)
        .put("args", args)
        .put("errors", errors)
        .put("result", result)
        .put("user_id", userId == null ? null : userId.toString())
        .put("inserted_at", ts(insertedAt))
        .put("scheduled_at", ts(scheduledAt))
        .put("attempted_at", ts(attemptedAt))
        .put("completed_at", ts(completedAt))
        .put("dead_at", ts(deadAt));
  }

  static String ts(Instant i) {
    return i == null ? null : i.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  private static JsonObject jsonObject(Object v) {
    return v instanceof JsonObject o ? o : new JsonObject();
  }
}
