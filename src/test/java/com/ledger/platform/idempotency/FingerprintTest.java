package com.ledger.platform.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class FingerprintTest {
  @Test
  void ignores_key_order_and_whitespace_but_not_values_method_or_path() {
    String a = Fingerprint.of("POST", "/api/payments", new JsonObject("{\"b\":1,\"a\":{\"y\":[1,2],\"x\":\"s\"}}"));
    String b = Fingerprint.of("POST", "/api/payments", new JsonObject("{ \"a\" : { \"x\":\"s\", \"y\":[1, 2] }, \"b\":1 }"));
    assertThat(a).isEqualTo(b).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(Fingerprint.of("POST", "/api/payments", new JsonObject("{\"b\":2,\"a\":{\"y\":[1,2],\"x\":\"s\"}}")))
        .isNotEqualTo(a);
    assertThat(Fingerprint.of("POST", "/api/payments", new JsonObject("{\"b\":1,\"a\":{\"y\":[2,1],\"x\":\"s\"}}")))
        .isNotEqualTo(a);
    assertThat(Fingerprint.of("POST", "/api/payments/x", new JsonObject("{\"b\":1,\"a\":{\"y\":[1,2],\"x\":\"s\"}}")))
        .isNotEqualTo(a);
    assertThat(Fingerprint.of("PUT", "/api/payments", new JsonObject("{\"b\":1,\"a\":{\"y\":[1,2],\"x\":\"s\"}}")))
        .isNotEqualTo(a);
  }

  @Test
  void canonical_form() {
    assertThat(Fingerprint.canonical(new JsonObject("{\"z\":null,\"a\":\"\\u00e9\",\"m\":[{\"k\":true,\"c\":1.5}]}")))
        .isEqualTo("{\"a\":\"é\",\"m\":[{\"c\":1.5,\"k\":true}],\"z\":null}");
  }

  @Test
  void a_keyed_digest_is_stable_per_key_and_unguessable_without_it() {
    var one = com.ledger.platform.security.TokenCipher.derivedFrom("secret-one");
    var two = com.ledger.platform.security.TokenCipher.derivedFrom("secret-two");
    String text = Fingerprint.text("POST", "/api/bank-logins", new JsonObject().put("password", "hunter2"));
    assertThat(one.mac(text)).matches("[0-9a-f]{64}").isEqualTo(one.mac(text))
        .isNotEqualTo(two.mac(text)).isNotEqualTo(Fingerprint.sha256(text));
  }
}
