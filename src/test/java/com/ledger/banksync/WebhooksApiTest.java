package com.ledger.banksync;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.banksync.webhooks.WebhookSignature;
import com.ledger.support.Api;
import com.ledger.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Signed webhooks (SPEC.md §9): signature over the raw body, payload rules, replay protection, the bank-sync effect. */
class WebhooksApiTest {
  static final String PAYMENT_SECRET = "test_payment_webhook_secret";
  static final String BANK_SECRET = "test_bank_webhook_secret";
  static final String FRAUD_SECRET = "test_fraud_webhook_secret";
  static TestApp app;
  static BankFixtures fx;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("jobs.poll_interval_ms", 200, "banksync.periodic_sync", false));
    fx = new BankFixtures(app);
  }

  @AfterAll
  static void stop() {
    app.verifyLedgerAndClose();
  }

  private static Api.Resp post(String path, String body, String secret, Map<String, String> extra) {
    Map<String, String> h = new HashMap<>(extra);
    if (secret != null) h.put("X-Webhook-Signature", WebhookSignature.sign(secret, body.getBytes(StandardCharsets.UTF_8)));
    return app.api.send("POST", path, body, null, h);
  }

  private static String paymentBody() {
    return new JsonObject().put("payment_id", UUID.randomUUID().toString()).put("status", "completed")
        .put("amount", "100.00").encode();
  }

  @Test
  void lists_the_three_endpoints() {
    Api.Resp r = app.api.get("/api/webhooks", null);
    assertThat(r.status()).isEqualTo(200);
    JsonObject d = r.data();
    assertThat(d.getInteger("total_count")).isEqualTo(3);
    assertThat(d.getString("documentation_url")).isEqualTo("https://docs.ledgerbank.com/webhooks");
    JsonArray hooks = d.getJsonArray("webhooks");
    assertThat(hooks.stream().map(h -> ((JsonObject) h).getString("endpoint"))).containsExactly(
        "/api/webhooks/payments/status", "/api/webhooks/banks/sync", "/api/webhooks/fraud/detection");
    for (Object o : hooks) {
      JsonObject h = (JsonObject) o;
      assertThat(h.getString("method")).isEqualTo("POST");
      assertThat(h.getJsonArray("required_headers")).containsExactly("x-webhook-signature");
      assertThat(h.getJsonObject("example_payload")).isNotEmpty();
      assertThat(h.getString("description")).isNotBlank();
    }
  }

  @Test
  void a_missing_or_wrong_signature_is_401_unauthorized_before_the_payload_is_looked_at() {
    String body = paymentBody();
    for (String path : new String[] {"/api/webhooks/payments/status", "/api/webhooks/banks/sync",
        "/api/webhooks/fraud/detection", "/api/webhooks/payments", "/api/webhooks/banks", "/api/webhooks/fraud"}) {
      Api.Resp missing = post(path, body, null, Map.of());
      assertThat(missing.status()).as(path + " " + missing.body()).isEqualTo(401);
      assertThat(missing.reason()).isEqualTo("unauthorized");
      assertThat(missing.header("Content-Type")).startsWith("application/problem+json");
      Api.Resp wrong = post(path, body, "not-the-secret", Map.of());
      assertThat(wrong.status()).as(path).isEqualTo(401);
      assertThat(wrong.reason()).isEqualTo("unauthorized");
      Api.Resp invalidPayloadUnsigned = post(path, "{}", null, Map.of());
      assertThat(invalidPayloadUnsigned.status()).as(path).isEqualTo(401);
    }
    // the contract does not answer before the signature: wrong JSON types and malformed JSON are 401 when unsigned
    assertThat(post("/api/webhooks/banks/sync", new JsonObject().put("user_id", 5).put("accounts_synced", "two").encode(),
        null, Map.of()).reason()).isEqualTo("unauthorized");
    assertThat(post("/api/webhooks/payments/status", new JsonObject().put("status", 7).encode(), null, Map.of()).reason())
        .isEqualTo("unauthorized");
    assertThat(post("/api/webhooks/payments/status", "{not json", null, Map.of()).reason()).isEqualTo("unauthorized");
    Api.Resp signedGarbage = post("/api/webhooks/payments/status", "{not json", PAYMENT_SECRET, Map.of());
    assertThat(signedGarbage.status()).as(signedGarbage.body()).isEqualTo(400);
    assertThat(signedGarbage.reason()).isEqualTo("webhook_processing_failed");
    // signed but of the wrong JSON type: the payload rule answers
    Api.Resp typed = post("/api/webhooks/banks/sync", new JsonObject().put("user_id", UUID.randomUUID().toString())
        .put("bank_id", UUID.randomUUID().toString()).put("accounts_synced", "two").encode(), BANK_SECRET, Map.of());
    assertThat(typed.status()).as(typed.body()).isEqualTo(400);
    assertThat(typed.reason()).isEqualTo("webhook_processing_failed");
    assertThat(typed.json().getJsonObject("details").getString("field")).isEqualTo("accounts_synced");
    // signed with another provider's secret
    assertThat(post("/api/webhooks/payments/status", body, BANK_SECRET, Map.of()).status()).isEqualTo(401);
    // the signature covers the raw bytes: the same JSON re-serialised differently does not verify
    String sig = WebhookSignature.sign(PAYMENT_SECRET, body.getBytes(StandardCharsets.UTF_8));
    String reformatted = new JsonObject(body).encodePrettily();
    Api.Resp tampered = app.api.send("POST", "/api/webhooks/payments/status", reformatted, null,
        Map.of("X-Webhook-Signature", sig));
    assertThat(tampered.status()).isEqualTo(401);
    assertThat(post("/api/webhooks/stripe", body, PAYMENT_SECRET, Map.of()).reason()).isEqualTo("unauthorized");
    assertThat(post("/api/webhooks/payments/status", body, PAYMENT_SECRET, Map.of("X-Webhook-Provider", "unknown_provider"))
        .status()).isEqualTo(401);
  }

  @Test
  void signed_webhooks_are_validated_and_acknowledged() {
    String pid = UUID.randomUUID().toString();
    String body = new JsonObject().put("payment_id", pid).put("status", "failed").put("amount", 12.5).encode();
    Api.Resp ok = post("/api/webhooks/payments/status", body, PAYMENT_SECRET, Map.of("X-Webhook-Provider", "stripe"));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.data().getString("message")).isEqualTo("Payment status updated successfully");
    assertThat(ok.data().getString("payment_id")).isEqualTo(pid);
    assertThat(ok.data().getString("status")).isEqualTo("failed");
    assertThat(ok.data().getString("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    Api.Resp viaProvider = post("/api/webhooks/payments", body, PAYMENT_SECRET, Map.of());
    assertThat(viaProvider.status()).isEqualTo(200);
    assertThat(viaProvider.data().getString("message")).isEqualTo("Payment status updated successfully");

    String fraud = new JsonObject().put("payment_id", pid).put("severity", "high").put("risk_score", 0.92)
        .put("recommended_action", "block").encode();
    Api.Resp f = post("/api/webhooks/fraud/detection", fraud, FRAUD_SECRET, Map.of());
    assertThat(f.status()).as(f.body()).isEqualTo(200);
    assertThat(f.data().getString("message")).isEqualTo("Fraud detection processed successfully");
    assertThat(f.data().getString("action_taken")).isEqualTo("block");
    assertThat(f.data().getString("severity")).isEqualTo("high");
    String noAction = new JsonObject().put("payment_id", pid).put("severity", "low").put("risk_score", "0.1").encode();
    Api.Resp f2 = post("/api/webhooks/fraud", noAction, FRAUD_SECRET, Map.of());
    assertThat(f2.status()).isEqualTo(200);
    assertThat(f2.data().containsKey("action_taken")).isTrue();
    assertThat(f2.data().getValue("action_taken")).isNull();

    record Bad(String path, String secret, String body, String field) {}
    for (Bad b : new Bad[] {
        new Bad("/api/webhooks/payments/status", PAYMENT_SECRET, "{}", "payment_id"),
        new Bad("/api/webhooks/payments/status", PAYMENT_SECRET,
            new JsonObject().put("payment_id", pid).put("status", "settled").put("amount", "1").encode(), "status"),
        new Bad("/api/webhooks/payments/status", PAYMENT_SECRET,
            new JsonObject().put("payment_id", pid).put("status", "pending").encode(), "amount"),
        new Bad("/api/webhooks/banks/sync", BANK_SECRET, new JsonObject().put("user_id", 7).encode(), "user_id"),
        new Bad("/api/webhooks/banks/sync", BANK_SECRET, new JsonObject().put("user_id", "x").encode(), "bank_id"),
        new Bad("/api/webhooks/fraud/detection", FRAUD_SECRET, new JsonObject().put("payment_id", pid).encode(), "severity")}) {
      Api.Resp r = post(b.path(), b.body(), b.secret(), Map.of());
      assertThat(r.status()).as(b + " " + r.body()).isEqualTo(400);
      assertThat(r.reason()).isEqualTo("webhook_processing_failed");
      assertThat(r.json().getJsonObject("details").getString("field")).isEqualTo(b.field());
      assertThat(r.json().getJsonObject("details").getString("message")).isNotBlank();
    }
  }

  @Test
  void legacy_senders_with_opaque_ids_are_acknowledged() {
    // the original service's own example payloads: ids are opaque strings, not UUIDs
    Api.Resp bank = post("/api/webhooks/banks/sync", "{\"user_id\": \"user_123\", \"bank_id\": \"bank_456\", "
        + "\"accounts_synced\": 5}", BANK_SECRET, Map.of());
    assertThat(bank.status()).as(bank.body()).isEqualTo(200);
    assertThat(bank.data().getString("user_id")).isEqualTo("user_123");
    assertThat(bank.data().getInteger("accounts_synced")).isEqualTo(5);
    assertThat(bank.data().getJsonArray("sync_jobs")).isEmpty();
    Api.Resp pay = post("/api/webhooks/payments/status", "{\"payment_id\": \"pay_123\", \"status\": \"completed\", "
        + "\"amount\": 100.5}", PAYMENT_SECRET, Map.of());
    assertThat(pay.status()).as(pay.body()).isEqualTo(200);
    assertThat(pay.data().getString("payment_id")).isEqualTo("pay_123");
    Api.Resp fraud = post("/api/webhooks/fraud/detection", "{\"payment_id\": \"pay_123\", \"severity\": \"high\", "
        + "\"risk_score\": 0.95}", FRAUD_SECRET, Map.of());
    assertThat(fraud.status()).as(fraud.body()).isEqualTo(200);

    // ids naming no real user/bank pair schedule nothing, whatever their shape
    var u = fx.user("user");
    var b = fx.bank("US");
    UUID login = fx.connected(u, b, "legacy1");
    for (String[] ids : new String[][] {{u.id().toString(), "bank_456"}, {"user_123", b.bankId().toString()},
        {UUID.randomUUID().toString(), b.bankId().toString()}, {u.id().toString(), UUID.randomUUID().toString()}}) {
      Api.Resp r = post("/api/webhooks/banks/sync", new JsonObject().put("user_id", ids[0]).put("bank_id", ids[1])
          .put("accounts_synced", 1).encode(), BANK_SECRET, Map.of());
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.data().getJsonArray("sync_jobs")).as(String.join(",", ids)).isEmpty();
    }
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE args->>'login_id' = ?", login.toString())).isZero();
    // the same ids in upper case still name the real login
    Api.Resp upper = post("/api/webhooks/banks/sync", new JsonObject().put("user_id", u.id().toString().toUpperCase())
        .put("bank_id", b.bankId().toString().toUpperCase()).put("accounts_synced", 1).encode(), BANK_SECRET, Map.of());
    assertThat(upper.data().getJsonArray("sync_jobs").stream().map(j -> ((JsonObject) j).getString("login_id")))
        .containsExactly(login.toString());
  }

  @Test
  void webhook_numbers_are_judged_as_written() {
    String pid = UUID.randomUUID().toString();
    record Bad(String path, String secret, String body, String field) {}
    java.util.List<Bad> bad = new java.util.ArrayList<>();
    for (String lit : new String[] {"1e400", "-1e400", "1e-400", "1.5e1"}) {
      bad.add(new Bad("/api/webhooks/payments/status", PAYMENT_SECRET,
          "{\"payment_id\": \"" + pid + "\", \"status\": \"failed\", \"amount\": " + lit + "}", "amount"));
      bad.add(new Bad("/api/webhooks/fraud/detection", FRAUD_SECRET,
          "{\"payment_id\": \"" + pid + "\", \"severity\": \"high\", \"risk_score\": " + lit + "}", "risk_score"));
    }
    for (String lit : new String[] {"1e400", "1.5e1", "2.0", "-1", "-0", "123456789012345678901234567890", "\"5\""}) {
      bad.add(new Bad("/api/webhooks/banks/sync", BANK_SECRET,
          "{\"user_id\": \"user_1\", \"bank_id\": \"bank_1\", \"accounts_synced\": " + lit + "}", "accounts_synced"));
    }
    for (Bad b : bad) {
      Api.Resp r = post(b.path(), b.body(), b.secret(), Map.of());
      assertThat(r.status()).as(b + " → " + r.body()).isEqualTo(400);
      assertThat(r.reason()).isEqualTo("webhook_processing_failed");
      assertThat(r.json().getJsonObject("details").getString("field")).as(b.toString()).isEqualTo(b.field());
    }
  }

  @Test
  void a_replayed_delivery_id_is_acknowledged_and_not_applied_again() {
    var u = fx.user("user");
    var bank = fx.bank("US");
    var other = fx.bank("US");
    UUID l1 = fx.connected(u, bank, "hook1");
    UUID l2 = fx.connected(u, bank, "hook2");
    UUID elsewhere = fx.connected(u, other, "hook3");
    String body = new JsonObject().put("user_id", u.id().toString()).put("bank_id", bank.bankId().toString())
        .put("accounts_synced", 2).encode();
    String id = "evt_" + UUID.randomUUID();

    Api.Resp first = post("/api/webhooks/banks/sync", body, BANK_SECRET, Map.of("X-Webhook-Id", id));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.data().getString("message")).isEqualTo("Account sync completed successfully");
    assertThat(first.data().getString("user_id")).isEqualTo(u.id().toString());
    assertThat(first.data().getInteger("accounts_synced")).isEqualTo(2);
    assertThat(first.json().getJsonObject("metadata").getBoolean("replayed")).isFalse();
    JsonArray jobs = first.data().getJsonArray("sync_jobs");
    assertThat(jobs.stream().map(j -> ((JsonObject) j).getString("login_id")))
        .containsExactlyInAnyOrder(l1.toString(), l2.toString());
    assertThat(jobs.stream().map(j -> ((JsonObject) j).getBoolean("duplicate"))).containsOnly(false);
    for (Object o : jobs) {
      UUID jobId = UUID.fromString(((JsonObject) o).getString("job_id"));
      JsonObject job = fx.awaitJob(jobId, 10_000, "completed", "dead");
      assertThat(job.getString("state")).as(job.encode()).isEqualTo("completed");
      assertThat(job.getString("user_id")).isEqualTo(u.id().toString());
    }
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE args->>'login_id' = ?", elsewhere.toString())).isZero();
    assertThat(fx.count("SELECT count(*) FROM payments.user_bank_accounts WHERE user_id = ?", u.id())).isEqualTo(2);

    Api.Resp replay = post("/api/webhooks/banks/sync", body, BANK_SECRET, Map.of("X-Webhook-Id", id));
    assertThat(replay.status()).as(replay.body()).isEqualTo(200);
    assertThat(replay.data().getBoolean("replayed")).isTrue();
    assertThat(replay.json().getJsonObject("metadata").getBoolean("replayed")).isTrue();
    assertThat(replay.data().getJsonArray("sync_jobs")).isEmpty();
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE args->>'login_id' IN (?, ?)", l1.toString(), l2.toString()))
        .isEqualTo(2);
    assertThat(fx.count("SELECT count(*) FROM banksync.webhook_deliveries WHERE webhook_id = ? AND provider = 'banks' "
        + "AND expires_at > now() + interval '23 hours'", id)).isEqualTo(1);

    // a new delivery within the uniqueness window gets the same jobs back
    Api.Resp again = post("/api/webhooks/banks/sync", body, BANK_SECRET, Map.of("X-Webhook-Id", id + "-2"));
    assertThat(again.data().getJsonArray("sync_jobs").stream().map(j -> ((JsonObject) j).getBoolean("duplicate")))
        .containsOnly(true);
    // a replay of a payment-status delivery is acknowledged as such too
    String pay = paymentBody();
    String pid = "evt_" + UUID.randomUUID();
    assertThat(post("/api/webhooks/payments/status", pay, PAYMENT_SECRET, Map.of("X-Webhook-Id", pid))
        .json().getJsonObject("metadata").getBoolean("replayed")).isFalse();
    assertThat(post("/api/webhooks/payments/status", pay, PAYMENT_SECRET, Map.of("X-Webhook-Id", pid))
        .data().getBoolean("replayed")).isTrue();
  }
}
