package com.ledger.banksync;

import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.idempotency.Fingerprint;
import com.ledger.support.Api;
import com.ledger.support.TestApp;
import com.ledger.support.TestUsers;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC.md §6.9 on creating a bank login and starting a sync (issue 10), end to end through the router against the
 * sandbox bank: a repeat replays the first response verbatim with no second effect, the same key on another request
 * (body, login, or operation) is 422, concurrent repeats make one effect.
 */
class BankLoginsIdempotencyTest {
  static TestApp app;
  static BankFixtures fx;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("bank.timeout_ms", 1500, "bank.breaker_max_failures", 100));
    fx = new BankFixtures(app);
  }

  @AfterAll
  static void stop() {
    app.verifyLedgerAndClose();
  }

  @AfterEach
  void resetSandbox() {
    fx.resetSandbox();
  }

  static Api.Resp send(String method, String path, Object body, TestUsers.User u, String key) {
    return app.api.send(method, path, body, u.token(), Map.of("Idempotency-Key", key));
  }

  static JsonObject login(BankFixtures.Branch b, String username) {
    return new JsonObject().put("bank_branch_id", b.branchId().toString()).put("username", username)
        .put("password", "bank-password-1");
  }

  @Test
  void creating_a_login_twice_with_one_key_creates_it_once_and_replays() {
    var u = fx.user("user");
    var b = fx.bank("US");
    String key = "login-" + UUID.randomUUID();
    long grantsBefore = fx.counter("requests /oauth2/token");
    Api.Resp first = send("POST", "/api/bank-logins", login(b, "idem1"), u, key);
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(first.header("idempotent-replayed")).isNull();
    Api.Resp again = send("POST", "/api/bank-logins", login(b, "idem1"), u, key);
    assertThat(again.status()).as(again.body()).isEqualTo(201);  // without the key: 409 bank_login_exists
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.header("idempotent-replayed")).isEqualTo("true");
    assertThat(again.header("content-type")).startsWith("application/json");
    assertThat(fx.count("SELECT count(*) FROM banksync.user_bank_logins WHERE user_id = ?", u.id())).isEqualTo(1);
    assertThat(fx.counter("requests /oauth2/token") - grantsBefore).as("one password grant at the bank").isEqualTo(1);
    // the body holds the bank password: its stored fingerprint is a keyed MAC, not a plain hash one could brute-force
    String stored = fx.string("SELECT fingerprint FROM payments.idempotency_keys WHERE user_id = ? AND key = ?", u.id(), key);
    assertThat(stored).matches("[0-9a-f]{64}")
        .isNotEqualTo(Fingerprint.of("POST", "/api/bank-logins", login(b, "idem1")));
    // the same key on another body, or on another operation, is rejected and does nothing
    assertProblem(send("POST", "/api/bank-logins", login(b, "idem2"), u, key), 422, "idempotency_key_reused");
    UUID id = UUID.fromString(first.data().getString("id"));
    assertProblem(send("POST", "/api/bank-logins/" + id + "/sync", null, u, key), 422, "idempotency_key_reused");
    assertThat(fx.count("SELECT count(*) FROM banksync.user_bank_logins WHERE user_id = ?", u.id())).isEqualTo(1);
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE args->>'login_id' = ?", id.toString())).isZero();
    // a client error is recorded and replayed too
    String badKey = "login-bad-" + UUID.randomUUID();
    JsonObject nowhere = login(b, "idem3").put("bank_branch_id", UUID.randomUUID().toString());
    Api.Resp missing = send("POST", "/api/bank-logins", nowhere, u, badKey);
    assertProblem(missing, 404, "bank_not_found");
    Api.Resp missingAgain = send("POST", "/api/bank-logins", nowhere, u, badKey);
    assertThat(missingAgain.status()).isEqualTo(404);
    assertThat(missingAgain.body()).isEqualTo(missing.body());
    assertThat(missingAgain.header("idempotent-replayed")).isEqualTo("true");
  }

  @Test
  void a_bank_outage_releases_the_key_so_a_keyed_retry_connects() {
    var u = fx.user("user");
    var b = fx.bank("US");
    String key = "login-outage-" + UUID.randomUUID();
    fx.faults(new JsonObject().put("fail", new JsonObject().put("path", "/oauth2/token").put("status", 500).put("count", 10)));
    Api.Resp failed = send("POST", "/api/bank-logins", login(b, "outage1"), u, key);
    assertProblem(failed, 503, "bank_api_error");
    assertThat(fx.count("SELECT count(*) FROM payments.idempotency_keys WHERE user_id = ? AND key = ?", u.id(), key))
        .as("a 5xx releases the key").isZero();
    fx.resetSandbox();
    Api.Resp retried = send("POST", "/api/bank-logins", login(b, "outage1"), u, key);
    assertThat(retried.status()).as(retried.body()).isEqualTo(201);
    assertThat(retried.header("idempotent-replayed")).isNull();
    assertThat(send("POST", "/api/bank-logins", login(b, "outage1"), u, key).header("idempotent-replayed")).isEqualTo("true");
    assertThat(fx.count("SELECT count(*) FROM banksync.user_bank_logins WHERE user_id = ?", u.id())).isEqualTo(1);
  }

  @Test
  void concurrent_creates_with_one_key_make_one_login_and_one_bank_call() throws Exception {
    var u = fx.user("user");
    var b = fx.bank("US");
    String key = "login-burst-" + UUID.randomUUID();
    long grantsBefore = fx.counter("requests /oauth2/token");
    List<Api.Resp> all = burst(10, () -> send("POST", "/api/bank-logins", login(b, "burst"), u, key));
    Set<String> ids = new HashSet<>();
    for (Api.Resp r : all) {
      if (r.status() == 201) {
        ids.add(r.data().getString("id"));
      } else {
        // never bank_login_exists: the repeats did not run
        assertProblem(r, 409, "idempotency_key_in_use");
        assertThat(r.header("retry-after")).isNotNull();
      }
    }
    assertThat(ids).hasSize(1);
    assertThat(fx.count("SELECT count(*) FROM banksync.user_bank_logins WHERE user_id = ?", u.id())).isEqualTo(1);
    assertThat(fx.counter("requests /oauth2/token") - grantsBefore).isEqualTo(1);
    Api.Resp after = send("POST", "/api/bank-logins", login(b, "burst"), u, key);
    assertThat(after.status()).isEqualTo(201);
    assertThat(after.header("idempotent-replayed")).isEqualTo("true");
  }

  @Test
  void starting_a_sync_twice_with_one_key_enqueues_once_and_replays_the_ticket() {
    var u = fx.user("user");
    var b = fx.bank("US");
    UUID id = fx.connected(u, b, "syncidem");
    UUID other = fx.connected(u, b, "syncidem2");
    String key = "sync-" + UUID.randomUUID();
    String path = "/api/bank-logins/" + id + "/sync";
    Api.Resp first = send("POST", path, null, u, key);
    assertThat(first.status()).as(first.body()).isEqualTo(202);
    assertThat(first.data().getBoolean("duplicate")).isFalse();
    // out of the uniqueness window: without the key a repeat would enqueue a second job
    fx.leaveUniquenessWindow(id);
    Api.Resp again = send("POST", path, null, u, key);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.header("idempotent-replayed")).isEqualTo("true");
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE args->>'login_id' = ?", id.toString())).isEqualTo(1);
    // the same key on another login (another path) is rejected; nothing is enqueued for it
    assertProblem(send("POST", "/api/bank-logins/" + other + "/sync", null, u, key), 422, "idempotency_key_reused");
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE args->>'login_id' = ?", other.toString())).isZero();
    // a refused sync (not the owner) is recorded under the stranger's own key space and replayed
    var stranger = fx.user("user");
    Api.Resp refused = send("POST", path, null, stranger, key);
    assertProblem(refused, 403, "insufficient_permissions");
    Api.Resp refusedAgain = send("POST", path, null, stranger, key);
    assertThat(refusedAgain.body()).isEqualTo(refused.body());
    assertThat(refusedAgain.header("idempotent-replayed")).isEqualTo("true");
  }

  @Test
  void concurrent_syncs_with_one_key_enqueue_one_job() throws Exception {
    var u = fx.user("user");
    var b = fx.bank("US");
    UUID id = fx.connected(u, b, "syncburst");
    String key = "sync-burst-" + UUID.randomUUID();
    List<Api.Resp> all = burst(10, () -> send("POST", "/api/bank-logins/" + id + "/sync", null, u, key));
    Set<String> bodies = new HashSet<>();
    for (Api.Resp r : all) {
      if (r.status() == 202) {
        bodies.add(r.body());
      } else {
        assertProblem(r, 409, "idempotency_key_in_use");
      }
    }
    // every 202 is the one ticket (the first, or its verbatim replay)
    assertThat(bodies).hasSize(1);
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE args->>'login_id' = ?", id.toString())).isEqualTo(1);
  }

  @Test
  void a_key_is_one_per_user_across_contexts() {
    var u = fx.user("user");
    var b = fx.bank("US");
    UUID id = fx.connected(u, b, "crossctx");
    String key = "cross-" + UUID.randomUUID();
    assertThat(send("POST", "/api/bank-logins/" + id + "/sync", null, u, key).status()).isEqualTo(202);
    // a payment with the sync's key: another operation, so 422 (not a new payment, not the sync's ticket)
    assertProblem(send("POST", "/api/payments", new JsonObject().put("amount", "1.00").put("direction", "DEBIT")
        .put("payment_type", "PAYMENT").put("description", "x").put("user_bank_account_id", UUID.randomUUID().toString()),
        u, key), 422, "idempotency_key_reused");
  }

  static List<Api.Resp> burst(int n, java.util.function.Supplier<Api.Resp> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<CompletableFuture<Api.Resp>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) all.add(CompletableFuture.supplyAsync(call, pool));
      List<Api.Resp> out = new ArrayList<>();
      for (CompletableFuture<Api.Resp> f : all) out.add(f.get());
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
