package com.ledger.banksync.webhooks;

import com.ledger.platform.config.WebhooksConfig;
import java.util.Optional;
import java.util.function.Function;

/**
 * The three webhook providers of SPEC.md §9 with their secrets ({@code webhooks.*_secret}; when unset outside
 * prod, the original's test values; unset in prod → no secret, answered as configuration_error).
 */
public enum WebhookProvider {
  PAYMENTS("payments", WebhooksConfig::paymentSecret, "test_payment_webhook_secret"),
  BANKS("banks", WebhooksConfig::bankSecret, "test_bank_webhook_secret"),
  FRAUD("fraud", WebhooksConfig::fraudSecret, "test_fraud_webhook_secret");

  public final String path;
  final Function<WebhooksConfig, String> configured;
  final String testDefault;

  WebhookProvider(String path, Function<WebhooksConfig, String> configured, String testDefault) {
    this.path = path;
    this.configured = configured;
    this.testDefault = testDefault;
  }

  public static Optional<WebhookProvider> fromPath(String p) {
    for (WebhookProvider w : values()) {
      if (w.path.equals(p)) return Optional.of(w);
    }
    return Optional.empty();
  }

  /** The configured secret, the test default outside prod, or null (unset in prod). */
  public String secret(WebhooksConfig cfg) {
    String s = configured.apply(cfg);
    if (s != null && !s.isBlank()) return s;
    return cfg.testDefaults() ? testDefault : null;
  }
}
