package com.ledger.platform.errors;

/** SPEC.md §3.1: the category of a reason decides the HTTP status and the retry policy. */
public enum ErrorCategory {
  VALIDATION(400, false, 0, 0),
  NOT_FOUND(404, false, 0, 0),
  AUTHENTICATION(401, false, 0, 0),
  AUTHORIZATION(403, false, 0, 0),
  CONFLICT(409, false, 0, 0),
  BUSINESS_RULE(422, false, 0, 0),
  EXTERNAL_DEPENDENCY(503, true, 3, 1000),
  SYSTEM(500, true, 2, 500),
  /** Transport-level only (429); not part of the registry's category list. */
  RATE_LIMIT(429, true, 0, 1000);

  public final int status;
  public final boolean retryable;
  public final int maxRetryAttempts;
  public final int retryDelayMs;

  ErrorCategory(int status, boolean retryable, int maxRetryAttempts, int retryDelayMs) {
    this.status = status;
    this.retryable = retryable;
    this.maxRetryAttempts = maxRetryAttempts;
    this.retryDelayMs = retryDelayMs;
  }

  /** The wire name, e.g. {@code business_rule}. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static java.util.Optional<ErrorCategory> fromWire(String name) {
    for (ErrorCategory c : values()) {
      if (c != RATE_LIMIT && c.wireName().equals(name)) return java.util.Optional.of(c);
    }
    return java.util.Optional.empty();
  }
}
