package com.ledger.banksync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  private static final byte[] BODY = "{\"payment_id\":\"p1\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void known_vector() {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    assertThat(WebhookSignature.sign("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void verify_table() {
    String good = WebhookSignature.sign("s3cret", BODY);
    assertThat(WebhookSignature.verify("s3cret", BODY, good)).isTrue();
    assertThat(WebhookSignature.verify("s3cret", BODY, good.toUpperCase().replace("SHA256=", "sha256="))).isTrue();
    assertThat(WebhookSignature.verify("s3cret", BODY, " " + good + " ")).isTrue();
    assertThat(WebhookSignature.verify("other", BODY, good)).isFalse();
    assertThat(WebhookSignature.verify("s3cret", "{}".getBytes(StandardCharsets.UTF_8), good)).isFalse();
    assertThat(WebhookSignature.verify("s3cret", BODY, null)).isFalse();
    assertThat(WebhookSignature.verify("s3cret", BODY, "")).isFalse();
    assertThat(WebhookSignature.verify("s3cret", BODY, good.substring(7))).isFalse();
    assertThat(WebhookSignature.verify("s3cret", BODY, "sha1=" + good.substring(7))).isFalse();
    assertThat(WebhookSignature.verify("s3cret", BODY, good.substring(0, good.length() - 2))).isFalse();
    assertThat(WebhookSignature.verify("s3cret", BODY, "sha256=" + "z".repeat(64))).isFalse();
    assertThat(WebhookSignature.verify(null, BODY, good)).isFalse();
    assertThat(WebhookSignature.verify("s3cret", null, WebhookSignature.sign("s3cret", new byte[0]))).isTrue();
  }
}
