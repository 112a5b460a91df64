package com.ledger.platform.config;

/**
 * The {@code webhooks.*_secret} settings as written (blank when unset).
 *
 * @param testDefaults whether an unset secret falls back to the original's test value (outside prod); in prod an unset
 *                     secret is no secret
 */
public record WebhooksConfig(String paymentSecret, String bankSecret, String fraudSecret, boolean testDefaults) {
  static WebhooksConfig from(ConfigReader w, boolean prod) {
    return new WebhooksConfig(w.string("payment_secret", ""), w.string("bank_secret", ""), w.string("fraud_secret", ""),
        !prod);
  }
}
