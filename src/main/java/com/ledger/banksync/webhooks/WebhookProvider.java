package com.ledger.banksync.webhooks;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.ConfigReader;
import java.util.Optional;

/**
 * The three webhook providers of SPEC.md §9 with their secrets ({@code webhooks.*_secret}; when unset outside
 * prod, the original's test values; unset in prod → no secret, answered as configuration_error).
 */
public enum WebhookProvider {
  PAYMENTS("payments", "payment_secret", "test_payment_webhook_secret"),
  BANKS("banks", "bank_secret", "test_bank_webhook_secret"),
  FRAUD("fraud", "fraud_secret", "test_fraud_webhook_secret");

  public final String path;
  final String configKey;
  final String testDefault;

  WebhookProvider(String path, String configKey, String testDefault) {
    this.path = path;
    this.configKey = configKey;
    this.testDefault = testDefault;
  }

  public static Optional<WebhookProvider> fromPath(String p) {
    for (WebhookProvider w : values()) {
      if (w.path.equals(p)) return Optional.of(w);
    }
    return Optional.empty();
  }

  /** The configured secret, the test default outside prod, or null (unset in prod). */
  public String secret(AppConfig cfg) {
    String s = ConfigReader.root(cfg.raw()).child("webhooks").string(configKey, "");
    if (s != null && !s.isBlank()) return s;
    return cfg.isProd() ? null : testDefault;
  }
}
