package com.ledger.platform.jobs;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What to enqueue. Start with {@link #of(String, String, JsonObject)} and refine with the {@code with...} methods:
 * <pre>{@code
 * JobSpec.of("PaymentWorker", "payments", new JsonObject().put("payment_id", id))
 *     .withMaxAttempts(5).withTimeoutSeconds(300).withUnique(id, 60).withOwner(userId)
 * }</pre>
 *
 * @param uniqueKey     with {@code uniqueSeconds > 0}: enqueueing again while a job of the same worker and key,
 *                      inserted within that many seconds, is available/scheduled/executing/retryable/completed
 *                      returns that job instead (SPEC.md §7.2)
 * @param scheduledAt   run no earlier than this (null = now); a future time gives state {@code scheduled}
 */
public record JobSpec(String worker, String queue, JsonObject args, int priority, int maxAttempts, int timeoutSeconds,
    String uniqueKey, int uniqueSeconds, UUID userId, Instant scheduledAt) {

  public JobSpec {
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(queue, "queue");
    args = args == null ? new JsonObject() : args;
    if (priority < 0 || priority > 9) throw new IllegalArgumentException("priority must be 0..9, got " + priority);
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
    if (timeoutSeconds < 1) throw new IllegalArgumentException("timeoutSeconds must be >= 1");
    if (uniqueSeconds < 0) throw new IllegalArgumentException("uniqueSeconds must be >= 0");
  }

  /** Priority 0, 5 attempts, 300 s timeout, not unique, no owner, run now. */
  public static JobSpec of(String worker, String queue, JsonObject args) {
    return new JobSpec(worker, queue, args, 0, 5, 300, null, 0, null, null);
  }

  public JobSpec withPriority(int p) {
    return new JobSpec(worker, queue, args, p, maxAttempts, timeoutSeconds, uniqueKey, uniqueSeconds, userId, scheduledAt);
  }

  public JobSpec withMaxAttempts(int n) {
    return new JobSpec(worker, queue, args, priority, n, timeoutSeconds, uniqueKey, uniqueSeconds, userId, scheduledAt);
  }

  public JobSpec withTimeoutSeconds(int s) {
    return new JobSpec(worker, queue, args, priority, maxAttempts, s, uniqueKey, uniqueSeconds, userId, scheduledAt);
  }

  public JobSpec withUnique(String key, int seconds) {
    return new JobSpec(worker, queue, args, priority, maxAttempts, timeoutSeconds, key, seconds, userId, scheduledAt);
  }

  public JobSpec withOwner(UUID owner) {
    return new JobSpec(worker, queue, args, priority, maxAttempts, timeoutSeconds, uniqueKey, uniqueSeconds, owner, scheduledAt);
  }

  public JobSpec withScheduledAt(Instant at) {
    return new JobSpec(worker, queue, args, priority, maxAttempts, timeoutSeconds, uniqueKey, uniqueSeconds, userId, at);
  }

  public boolean unique() {
    return uniqueKey != null && uniqueSeconds > 0;
  }
}
