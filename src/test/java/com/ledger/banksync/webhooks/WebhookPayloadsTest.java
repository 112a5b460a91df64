package com.ledger.banksync.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class WebhookPayloadsTest {
  private static final String U = UUID.randomUUID().toString();

  private static void rejects(Consumer<JsonObject> rule, JsonObject body, String field) {
    assertThatThrownBy(() -> rule.accept(body)).as(body.encode())
        .isInstanceOfSatisfying(LedgerException.class, e -> {
          assertThat(e.code).isEqualTo(ErrorCode.WEBHOOK_PROCESSING_FAILED);
          assertThat(e.details.getString("field")).isEqualTo(field);
          assertThat(e.details.getString("message")).isNotBlank();
        });
  }

  @Test
  void payment_status() {
    Consumer<JsonObject> r = WebhookPayloads::paymentStatus;
    JsonObject ok = new JsonObject().put("payment_id", "p1").put("status", "Completed").put("amount", "100.00");
    var p = WebhookPayloads.paymentStatus(ok);
    assertThat(p.status()).isEqualTo("completed");
    assertThat(WebhookPayloads.paymentStatus(ok.copy().put("amount", 12.5)).amount()).isEqualTo(12.5);
    rejects(r, new JsonObject(), "payment_id");
    rejects(r, ok.copy().put("payment_id", 7), "payment_id");
    rejects(r, ok.copy().remove("status") == null ? ok : ok.copy().putNull("status"), "status");
    rejects(r, ok.copy().put("status", "settled"), "status");
    rejects(r, ok.copy().putNull("amount"), "amount");
    rejects(r, ok.copy().put("amount", "ten"), "amount");
  }

  @Test
  void bank_sync() {
    Consumer<JsonObject> r = WebhookPayloads::bankSync;
    JsonObject ok = new JsonObject().put("user_id", U).put("bank_id", U).put("accounts_synced", 2);
    assertThat(WebhookPayloads.bankSync(ok).accountsSynced()).isEqualTo(2);
    // ids are opaque strings for old senders
    assertThat(WebhookPayloads.bankSync(ok.copy().put("user_id", "user_123").put("bank_id", "bank_456")).userId())
        .isEqualTo("user_123");
    rejects(r, new JsonObject(), "user_id");
    rejects(r, ok.copy().put("user_id", 7), "user_id");
    rejects(r, ok.copy().put("user_id", "u".repeat(256)), "user_id");
    rejects(r, ok.copy().putNull("bank_id"), "bank_id");
    rejects(r, ok.copy().putNull("accounts_synced"), "accounts_synced");
    rejects(r, ok.copy().put("accounts_synced", -1), "accounts_synced");
    rejects(r, ok.copy().put("accounts_synced", 1.5), "accounts_synced");
    rejects(r, ok.copy().put("accounts_synced", "2"), "accounts_synced");
  }

  @Test
  void numbers_are_judged_by_their_literal() {
    JsonObject pay = new JsonObject().put("payment_id", "p1").put("status", "failed").put("amount", 15.0);
    assertThat(WebhookPayloads.paymentStatus(pay, new JsonObject().put("/amount", "15.0")).amount()).isEqualTo(15.0);
    for (String lit : new String[] {"1.5e1", "1e400", "1E-400"}) {
      assertThatThrownBy(() -> WebhookPayloads.paymentStatus(pay, new JsonObject().put("/amount", lit))).as(lit)
          .isInstanceOf(LedgerException.class);
      JsonObject fraud = new JsonObject().put("payment_id", "p1").put("severity", "low").put("risk_score", 15.0);
      assertThatThrownBy(() -> WebhookPayloads.fraud(fraud, new JsonObject().put("/risk_score", lit))).as(lit)
          .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.details.getString("field")).isEqualTo("risk_score"));
    }
    JsonObject sync = new JsonObject().put("user_id", "u").put("bank_id", "b").put("accounts_synced", 0);
    assertThat(WebhookPayloads.bankSync(sync, new JsonObject()).accountsSynced()).isZero();
    assertThatThrownBy(() -> WebhookPayloads.bankSync(sync, new JsonObject().put("/accounts_synced", "-0")))
        .isInstanceOf(LedgerException.class);
    assertThatThrownBy(() -> WebhookPayloads.bankSync(sync.copy().put("accounts_synced",
        new java.math.BigInteger("123456789012345678901234567890")), new JsonObject())).isInstanceOf(LedgerException.class);
  }

  @Test
  void ids_are_uuids_only_when_they_are() {
    assertThat(WebhookPayloads.asUuid(U)).contains(UUID.fromString(U));
    assertThat(WebhookPayloads.asUuid(U.toUpperCase())).contains(UUID.fromString(U));
    assertThat(WebhookPayloads.asUuid("user_123")).isEmpty();
    assertThat(WebhookPayloads.asUuid("")).isEmpty();
    assertThat(WebhookPayloads.asUuid("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz")).isEmpty();
  }

  @Test
  void fraud() {
    Consumer<JsonObject> r = WebhookPayloads::fraud;
    JsonObject ok = new JsonObject().put("payment_id", "p1").put("severity", "high").put("risk_score", 0.9);
    assertThat(WebhookPayloads.fraud(ok).recommendedAction()).isNull();
    assertThat(WebhookPayloads.fraud(ok.copy().put("recommended_action", "block")).recommendedAction()).isEqualTo("block");
    assertThat(WebhookPayloads.fraud(ok.copy().put("risk_score", "0.5")).riskScore()).isEqualTo("0.5");
    rejects(r, new JsonObject(), "payment_id");
    rejects(r, ok.copy().put("severity", " "), "severity");
    rejects(r, ok.copy().putNull("risk_score"), "risk_score");
    rejects(r, ok.copy().put("risk_score", "high"), "risk_score");
    rejects(r, ok.copy().put("recommended_action", 3), "recommended_action");
  }
}
