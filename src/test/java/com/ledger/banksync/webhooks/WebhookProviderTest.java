package com.ledger.banksync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.TestApp;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookProviderTest {
  private static com.ledger.platform.config.AppConfig cfg(String env, Map<String, Object> extra) {
    Map<String, Object> m = new HashMap<>(Map.of("app.env", env, "jwt.secret", TestApp.JWT_SECRET,
        "db.url", "postgresql://postgres@127.0.0.1:5432/x"));
    m.putAll(extra);
    return TestApp.config(m);
  }

  @Test
  void secrets_default_to_the_spec_test_values_outside_prod_only() {
    var test = cfg("test", Map.of());
    assertThat(WebhookProvider.PAYMENTS.secret(test.webhooks())).isEqualTo("test_payment_webhook_secret");
    assertThat(WebhookProvider.BANKS.secret(test.webhooks())).isEqualTo("test_bank_webhook_secret");
    assertThat(WebhookProvider.FRAUD.secret(test.webhooks())).isEqualTo("test_fraud_webhook_secret");
    var prod = cfg("prod", Map.of("webhooks.bank_secret", "configured-bank-secret"));
    assertThat(WebhookProvider.PAYMENTS.secret(prod.webhooks())).isNull();
    assertThat(WebhookProvider.BANKS.secret(prod.webhooks())).isEqualTo("configured-bank-secret");
    assertThat(WebhookProvider.fromPath("banks")).contains(WebhookProvider.BANKS);
    assertThat(WebhookProvider.fromPath("stripe")).isEmpty();
    assertThat(WebhookProvider.fromPath(null)).isEmpty();
  }
}
