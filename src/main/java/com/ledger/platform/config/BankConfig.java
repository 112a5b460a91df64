package com.ledger.platform.config;

/**
 * The bank client's slice of the config ({@code bank.*}): OAuth2 client credentials, the per-call timeout, the
 * circuit breaker (max failures within a rolling window, reset timeout → half-open probe) and the client's own
 * retries (only for retryable reasons, exponential backoff from {@code retry_base_ms}, Retry-After honoured up to
 * {@code max_retry_after_ms}).
 *
 * @param tokenKey {@code bank.token_key} as written (base64 of 32 bytes, or blank); checked where the cipher is built
 *                 ({@code Secrets.bankTokenCipher}), on the nodes that need it
 */
public record BankConfig(String url, String clientId, String clientSecret, int timeoutMs, int breakerMaxFailures,
    int breakerResetMs, int breakerWindowMs, int retries, int retryBaseMs, int maxRetryAfterMs, String tokenKey) {

  static BankConfig from(ConfigReader b) {
    return new BankConfig(b.string("url", "http://127.0.0.1:4010"), b.string("client_id", "ledgerbank"),
        b.string("client_secret", "sandbox-secret"), b.integer("timeout_ms", 10_000, 50, 120_000),
        b.integer("breaker_max_failures", 5, 1, 1000), b.integer("breaker_reset_ms", 30_000, 50, 3_600_000),
        b.integer("breaker_window_ms", 60_000, 100, 3_600_000), b.integer("retries", 2, 0, 10),
        b.integer("retry_base_ms", 200, 1, 60_000), b.integer("max_retry_after_ms", 5_000, 0, 600_000),
        b.string("token_key", ""));
  }
}
