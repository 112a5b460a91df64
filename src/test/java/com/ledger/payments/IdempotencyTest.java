package com.ledger.payments;

import com.ledger.platform.idempotency.Fingerprint;
import static com.ledger.payments.Fixtures.body;
import static com.ledger.payments.Fixtures.create;
import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.Api.Resp;
import com.ledger.support.RawHttp;
import com.ledger.support.TestUsers.User;
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
import org.junit.jupiter.api.Test;

/** SPEC.md §6.9 end to end: replay, reuse, in-progress, invalid key, 5xx release, concurrency. */
class IdempotencyTest extends PaymentsE2E {
  static Resp post(String path, Object body, User u, String key) {
    return api.send("POST", path, body, u.token(), key == null ? Map.of() : Map.of("Idempotency-Key", key));
  }

  @Test
  void same_key_and_body_replays_the_first_response_verbatim() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    String key = "create-" + UUID.randomUUID();
    Resp first = post("/api/payments", body(acc, "10.00", "DEBIT", "Once"), u, key);
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(first.header("idempotent-replayed")).isNull();
    assertThat(first.header("content-type")).startsWith("application/json");
    // same body, other key order and whitespace
    String reordered = "{ \"user_bank_account_id\": \"" + acc + "\", \"description\": \"Once\", \"payment_type\": "
        + "\"PAYMENT\", \"direction\": \"DEBIT\",   \"amount\": \"10.00\" }";
    Resp again = post("/api/payments", reordered, u, key);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.header("idempotent-replayed")).isEqualTo("true");
    assertThat(again.json().getString("correlation_id")).isEqualTo(first.json().getString("correlation_id"));
    assertThat(again.header("x-correlation-id")).isNotEqualTo(first.json().getString("correlation_id"));
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_id = ?", u.id())).isEqualTo(1);
    // the key is per user: another user may use the same key
    User other = fx.user();
    UUID otherAcc = fx.account(other, "CHECKING", "1.00");
    Resp theirs = post("/api/payments", body(otherAcc, "10.00", "DEBIT", "Once"), other, key);
    assertThat(theirs.status()).isEqualTo(201);
    assertThat(theirs.header("idempotent-replayed")).isNull();
  }

  @Test
  void same_key_with_another_body_or_path_is_rejected() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    String key = "k-" + UUID.randomUUID();
    UUID p = UUID.fromString(post("/api/payments", body(acc, "10.00", "DEBIT", "A"), u, key).data().getString("id"));
    assertProblem(post("/api/payments", body(acc, "10.01", "DEBIT", "A"), u, key), 422, "idempotency_key_reused");
    assertProblem(post("/api/payments/" + p + "/process", null, u, key), 422, "idempotency_key_reused");
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_id = ?", u.id())).isEqualTo(1);
    assertThat(fx.status(p)).isEqualTo("PENDING");
  }

  @Test
  void a_key_in_progress_answers_409() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    String key = "busy-" + UUID.randomUUID();
    JsonObject b = body(acc, "10.00", "DEBIT", "Busy");
    fx.exec("INSERT INTO payments.idempotency_keys (user_id, key, fingerprint, state) VALUES (?, ?, ?, 'in_progress')",
        u.id(), key, Fingerprint.of("POST", "/api/payments", b));
    assertProblem(post("/api/payments", b, u, key), 409, "idempotency_key_in_use");
    // an abandoned in-progress record (its request died long ago) is taken over
    fx.exec("UPDATE payments.idempotency_keys SET created_at = now() - interval '10 minutes' WHERE key = ?", key);
    assertThat(post("/api/payments", b, u, key).status()).isEqualTo(201);
    // an expired key is a new key
    fx.exec("UPDATE payments.idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = ?", key);
    Resp fresh = post("/api/payments", body(acc, "11.00", "DEBIT", "Busy"), u, key);
    assertThat(fresh.status()).isEqualTo(201);
    assertThat(fresh.header("idempotent-replayed")).isNull();
  }

  @Test
  void invalid_keys_are_rejected() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    assertProblem(post("/api/payments", body(acc, "1.00", "DEBIT", "x"), u, "k".repeat(256)), 400,
        "invalid_idempotency_key");
    assertProblem(post("/api/payments", body(acc, "1.00", "DEBIT", "x"), u, "has space"), 400, "invalid_idempotency_key");
    // a non-ASCII byte in the key (HTTP/1.1 clients encode it as they like, so send the byte itself)
    String json = body(acc, "1.00", "DEBIT", "x").encode();
    assertProblem(RawHttp.send(app.port, "POST /api/payments HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
        + "Authorization: Bearer " + u.token() + "\r\nContent-Type: application/json\r\nIdempotency-Key: caf\u00e9\r\n"
        + "Content-Length: " + json.length() + "\r\n\r\n" + json).resp(), 400, "invalid_idempotency_key");
    assertThat(post("/api/payments", body(acc, "1.00", "DEBIT", "x"), u, "k".repeat(255)).status()).isEqualTo(201);
    assertThat(post("/api/payments", body(acc, "1.00", "DEBIT", "y"), u, "!~").status()).isEqualTo(201);
    // keys that look like JSON are still just keys
    assertThat(post("/api/payments", body(acc, "1.00", "DEBIT", "z"), u, "-5").status()).isEqualTo(201);
    assertThat(post("/api/payments", body(acc, "1.00", "DEBIT", "w"), u, "{\"a\":1.5}").status()).isEqualTo(201);
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_id = ?", u.id())).isEqualTo(4);
    assertThat(fx.count("SELECT count(*) FROM payments.idempotency_keys WHERE user_id = ? AND key IN ('-5', '{\"a\":1.5}')",
        u.id())).isEqualTo(2);
  }

  @Test
  void client_errors_are_stored_and_replayed_too() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "5.00");
    UUID p = create(api, u, acc, "10.00", "DEBIT", "Too big");
    String key = "proc-" + UUID.randomUUID();
    Resp first = post("/api/payments/" + p + "/process", null, u, key);
    assertProblem(first, 422, "insufficient_funds");
    // topped up since, but the key replays the recorded outcome with no side effect
    Fixtures.topUp(api, u, acc, "95.00");
    Resp again = post("/api/payments/" + p + "/process", null, u, key);
    assertThat(again.status()).isEqualTo(422);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.header("content-type")).startsWith("application/problem+json");
    assertThat(again.header("idempotent-replayed")).isEqualTo("true");
    assertThat(fx.status(p)).isEqualTo("PENDING");
    // a new key processes it
    Resp processed = post("/api/payments/" + p + "/process", null, u, "proc2-" + UUID.randomUUID());
    assertThat(processed.status()).isEqualTo(200);
    Resp replay = post("/api/payments/" + p + "/process", null, u, key);
    assertThat(replay.status()).isEqualTo(422);
    assertThat(fx.balance(acc)).isEqualTo("90.00");
  }

  @Test
  void process_with_a_key_posts_once_and_replays() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID p = create(api, u, acc, "25.00", "DEBIT", "Keyed");
    String key = "p-" + UUID.randomUUID();
    Resp first = post("/api/payments/" + p + "/process", null, u, key);
    assertThat(first.status()).isEqualTo(200);
    Resp second = post("/api/payments/" + p + "/process", null, u, key);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(second.header("idempotent-replayed")).isEqualTo("true");
    assertThat(fx.balance(acc)).isEqualTo("75.00");
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE payment_id = ?", p)).isEqualTo(1);
    // async with a key: one job
    UUID q = create(api, u, acc, "5.00", "DEBIT", "Keyed async");
    String k2 = "pa-" + UUID.randomUUID();
    Resp a1 = api.send("POST", "/api/payments/" + q + "/process", null, u.token(),
        Map.of("Idempotency-Key", k2, "Prefer", "respond-async"));
    Resp a2 = api.send("POST", "/api/payments/" + q + "/process", null, u.token(),
        Map.of("Idempotency-Key", k2, "Prefer", "respond-async"));
    assertThat(a1.status()).isEqualTo(202);
    assertThat(a2.status()).isEqualTo(202);
    assertThat(a2.data().getString("job_id")).isEqualTo(a1.data().getString("job_id"));
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE args->>'payment_id' = ?", q.toString())).isEqualTo(1);
  }

  @Test
  void a_server_error_releases_the_key() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    String marker = "explode-" + UUID.randomUUID().toString().substring(0, 8);
    fx.exec("""
        CREATE OR REPLACE FUNCTION payments.test_explode() RETURNS trigger AS $$
        BEGIN
          IF NEW.description LIKE 'explode-%' THEN RAISE EXCEPTION 'boom'; END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""");
    fx.exec("CREATE TRIGGER test_explode BEFORE INSERT ON payments.user_payments FOR EACH ROW "
        + "EXECUTE FUNCTION payments.test_explode()");
    String key = "5xx-" + UUID.randomUUID();
    try {
      Resp failed = post("/api/payments", body(acc, "1.00", "DEBIT", marker), u, key);
      assertThat(failed.status()).as(failed.body()).isEqualTo(500);
      assertThat(failed.body()).doesNotContain("boom");
      assertThat(fx.count("SELECT count(*) FROM payments.idempotency_keys WHERE key = ?", key)).isZero();
    } finally {
      fx.exec("DROP TRIGGER test_explode ON payments.user_payments");
    }
    Resp retried = post("/api/payments", body(acc, "1.00", "DEBIT", marker), u, key);
    assertThat(retried.status()).isEqualTo(201);
    assertThat(retried.header("idempotent-replayed")).isNull();
  }

  @Test
  void twenty_concurrent_requests_with_one_key_make_one_payment() throws Exception {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    String key = "burst-" + UUID.randomUUID();
    JsonObject b = body(acc, "3.00", "DEBIT", "Burst");
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      List<CompletableFuture<Resp>> all = new ArrayList<>();
      for (int i = 0; i < 20; i++) all.add(CompletableFuture.supplyAsync(() -> post("/api/payments", b, u, key), pool));
      Set<String> ids = new HashSet<>();
      int created = 0;
      int inUse = 0;
      for (CompletableFuture<Resp> f : all) {
        Resp r = f.get();
        if (r.status() == 201) {
          created++;
          ids.add(r.data().getString("id"));
        } else {
          assertProblem(r, 409, "idempotency_key_in_use");
          inUse++;
        }
      }
      assertThat(created + inUse).isEqualTo(20);
      assertThat(created).isGreaterThanOrEqualTo(1);
      assertThat(ids).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_id = ?", u.id())).isEqualTo(1);
    // afterwards every retry replays the same payment
    assertThat(post("/api/payments", b, u, key).header("idempotent-replayed")).isEqualTo("true");
  }

  static Resp cancel(UUID payment, User u, String key) {
    return api.send("DELETE", "/api/payments/" + payment, null, u.token(), Map.of("Idempotency-Key", key));
  }

  @Test
  void cancelling_twice_with_one_key_cancels_once_and_replays() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID p = create(api, u, acc, "10.00", "DEBIT", "Cancel me");
    UUID q = create(api, u, acc, "11.00", "DEBIT", "Keep me");
    String key = "cancel-" + UUID.randomUUID();
    Resp first = cancel(p, u, key);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.data().getString("status")).isEqualTo("CANCELLED");
    assertThat(first.header("idempotent-replayed")).isNull();
    Resp again = cancel(p, u, key);
    assertThat(again.status()).as(again.body()).isEqualTo(200);  // without the key: 403 (no longer PENDING)
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.header("idempotent-replayed")).isEqualTo("true");
    // the same key on another payment (another path) or another operation is rejected and changes nothing
    assertProblem(cancel(q, u, key), 422, "idempotency_key_reused");
    assertProblem(post("/api/payments/" + q + "/process", null, u, key), 422, "idempotency_key_reused");
    assertProblem(post("/api/payments", body(acc, "10.00", "DEBIT", "Cancel me"), u, key), 422, "idempotency_key_reused");
    assertThat(fx.status(q)).isEqualTo("PENDING");
    assertThat(fx.balance(acc)).isEqualTo("100.00");
    // a key first used to create a payment does not cancel it
    String createKey = "create-then-cancel-" + UUID.randomUUID();
    UUID r = UUID.fromString(post("/api/payments", body(acc, "12.00", "DEBIT", "Made"), u, createKey).data().getString("id"));
    assertProblem(cancel(r, u, createKey), 422, "idempotency_key_reused");
    assertThat(fx.status(r)).isEqualTo("PENDING");
    // a refused cancel (someone else's payment) is recorded and replayed
    User stranger = fx.user();
    String refusedKey = "cancel-refused-" + UUID.randomUUID();
    Resp refused = cancel(q, stranger, refusedKey);
    assertProblem(refused, 403, "insufficient_permissions");
    Resp refusedAgain = cancel(q, stranger, refusedKey);
    assertThat(refusedAgain.status()).isEqualTo(403);
    assertThat(refusedAgain.body()).isEqualTo(refused.body());
    assertThat(refusedAgain.header("idempotent-replayed")).isEqualTo("true");
    assertThat(fx.status(q)).isEqualTo("PENDING");
  }

  @Test
  void concurrent_cancels_with_one_key_cancel_once() throws Exception {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID p = create(api, u, acc, "10.00", "DEBIT", "Cancel burst");
    String key = "cancel-burst-" + UUID.randomUUID();
    ExecutorService pool = Executors.newFixedThreadPool(10);
    Set<String> bodies = new HashSet<>();
    try {
      List<CompletableFuture<Resp>> all = new ArrayList<>();
      for (int i = 0; i < 10; i++) all.add(CompletableFuture.supplyAsync(() -> cancel(p, u, key), pool));
      for (CompletableFuture<Resp> f : all) {
        Resp r = f.get();
        if (r.status() == 200) {
          bodies.add(r.body());
        } else {
          // never 403: no repeat ran the cancel again
          assertProblem(r, 409, "idempotency_key_in_use");
          assertThat(r.header("retry-after")).isNotNull();
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(bodies).hasSize(1);
    assertThat(fx.status(p)).isEqualTo("CANCELLED");
  }
}
