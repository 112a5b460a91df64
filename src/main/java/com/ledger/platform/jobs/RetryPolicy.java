package com.ledger.platform.jobs;

import com.ledger.platform.errors.ErrorCode;

/**
 * What happens to a job after a failed attempt (SPEC.md §7.3), decided by the error catalog alone:
 * <ul>
 *   <li>a non-retryable category (validation, not_found, authentication, authorization, conflict, business_rule)
 *       → {@code dead} at once;</li>
 *   <li>a retryable category (external_dependency, system) → retried after {@code base × 2^(attempt−1)} ms
 *       (base = the category's retry delay: 1000 / 500 ms) plus up to 25 % jitter, until the attempt count reaches
 *       the lower of the job's {@code max_attempts} and 1 + the category's {@code max_retry_attempts}
 *       (external_dependency: 4 attempts, system: 3, for a job allowing 5) → then {@code dead}.</li>
 * </ul>
 * Pure: the caller passes the random jitter fraction in [0, 1).
 */
public final class RetryPolicy {
  static final long MAX_DELAY_MS = 3_600_000;

  public sealed interface Decision permits Retry, Dead {}

  public record Retry(long delayMs) implements Decision {}

  public record Dead() implements Decision {}

  private RetryPolicy() {}

  public static Decision decide(ErrorCode code, int attempt, int maxAttempts, double jitter) {
    if (!code.category.retryable) return new Dead();
    int allowed = Math.min(maxAttempts, 1 + code.category.maxRetryAttempts);
    if (attempt >= allowed) return new Dead();
    return new Retry(delayMs(code.category.retryDelayMs, attempt, jitter));
  }

  /** {@code base × 2^(attempt−1)} ms plus {@code jitter × 25 %}, capped at one hour. */
  static long delayMs(long base, int attempt, double jitter) {
    int shift = Math.max(0, Math.min(attempt - 1, 30));
    long d = Math.min(MAX_DELAY_MS, base << shift);
    double j = Math.max(0, Math.min(jitter, 1));
    return Math.min(MAX_DELAY_MS, d + (long) (d * 0.25 * j));
  }
}
