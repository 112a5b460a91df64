package com.ledger.payments;

import com.ledger.platform.idempotency.Fingerprint;
import com.ledger.support.Poll;
import static com.ledger.payments.Fixtures.body;
import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api.Resp;
import com.ledger.support.TestDatabase;
import com.ledger.support.TestUsers.User;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 2: an in-progress Idempotency-Key whose owner died is free within seconds (a short lease renewed
 * while the request runs, default 5 s), a live slow owner keeps it, 409 carries Retry-After, and a connection lost
 * during COMMIT answers 503 and keeps the key.
 */
class IdempotencyRecoveryTest extends PaymentsE2E {
  static Resp post(String path, Object body, User u, String key) {
    return api.send("POST", path, body, u.token(), Map.of("Idempotency-Key", key));
  }

  static int pid(Connection c) throws Exception {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void a_key_left_in_progress_by_a_dead_owner_is_free_within_seconds() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    String key = "crash-" + UUID.randomUUID();
    JsonObject b = body(acc, "10.00", "DEBIT", "After crash");
    // what a node killed mid-request leaves behind: a fresh in-progress claim that nobody renews
    fx.exec("INSERT INTO payments.idempotency_keys (user_id, key, fingerprint, state, created_at, lease_until)"
        + " VALUES (?, ?, ?, 'in_progress', now(), clock_timestamp() + interval '5 seconds')",
        u.id(), key, Fingerprint.of("POST", "/api/payments", b));
    Resp busy = post("/api/payments", b, u, key);
    assertProblem(busy, 409, "idempotency_key_in_use");
    assertThat(busy.header("retry-after")).isNotNull();
    assertThat(Integer.parseInt(busy.header("retry-after"))).isBetween(1, 5);
    AtomicReference<Resp> last = new AtomicReference<>();
    // 2–3× the 5 s: a client honouring Retry-After gets through once the dead owner's lease lapses
    Poll.until("the dead owner's key to be free", Duration.ofSeconds(15), () -> {
      Resp r = post("/api/payments", b, u, key);
      last.set(r);
      if (r.status() == 409) assertThat(r.header("retry-after")).isNotNull();
      return r.status() != 409;
    });
    assertThat(last.get().status()).as(last.get().body()).isEqualTo(201);
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_id = ?", u.id())).isEqualTo(1);
  }

  @Test
  void a_live_slow_owner_keeps_its_key_past_the_lease() throws Exception {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID p = Fixtures.create(api, u, acc, "10.00", "DEBIT", "Slow");
    String key = "slow-" + UUID.randomUUID();
    try (Connection locker = TestDatabase.jdbc(fx.dbUrl)) {
      locker.setAutoCommit(false);
      try (Statement st = locker.createStatement()) {
        st.execute("SELECT 1 FROM payments.user_bank_accounts WHERE id = '" + acc + "' FOR UPDATE");
      }
      CompletableFuture<Resp> first = CompletableFuture.supplyAsync(() -> post("/api/payments/" + p + "/process", null, u, key));
      // the owner renewed its lease beyond the first one (it would have lapsed by now without the heartbeat)
      Poll.until("the lease to be renewed past its first term", Duration.ofSeconds(30), () -> fx.count(
          "SELECT count(*) FROM payments.idempotency_keys WHERE key = ? AND state = 'in_progress'"
              + " AND lease_until > created_at + interval '7 seconds' AND clock_timestamp() > created_at + interval '6 seconds'",
          key) == 1);
      Resp busy = post("/api/payments/" + p + "/process", null, u, key);
      assertProblem(busy, 409, "idempotency_key_in_use");
      assertThat(busy.header("retry-after")).isNotNull();
      locker.rollback();
      assertThat(first.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
    Resp replay = post("/api/payments/" + p + "/process", null, u, key);
    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.header("idempotent-replayed")).isEqualTo("true");
    assertThat(fx.balance(acc)).isEqualTo("90.00");
  }

  @Test
  void a_connection_lost_during_commit_answers_503_and_keeps_the_key() throws Exception {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    String key = "commit-" + UUID.randomUUID();
    JsonObject b = body(acc, "10.00", "DEBIT", "slow-commit");
    // a deferred constraint trigger runs inside COMMIT: the request is cut while it commits
    fx.exec("""
        CREATE OR REPLACE FUNCTION public.slow_commit() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN PERFORM pg_sleep(60); RETURN NULL; END $$""");
    fx.exec("""
        CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON payments.user_payments DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW WHEN (NEW.description = 'slow-commit') EXECUTE FUNCTION public.slow_commit()""");
    try (Connection admin = TestDatabase.jdbc(fx.dbUrl)) {
      CompletableFuture<Resp> inFlight = CompletableFuture.supplyAsync(() -> post("/api/payments", b, u, key));
      Poll.until("the request to be committing", Duration.ofSeconds(30), () -> fx.count(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'"
              + " AND query = 'COMMIT'") == 1);
      try (Statement st = admin.createStatement()) {
        st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND pid <> pg_backend_pid() AND wait_event = 'PgSleep'");
      }
      Resp cut = inFlight.get(60, TimeUnit.SECONDS);
      assertProblem(cut, 503, "service_unavailable");
      assertThat(cut.header("retry-after")).isNotNull();
    } finally {
      fx.exec("DROP TRIGGER IF EXISTS slow_commit ON payments.user_payments");
    }
    // the key is kept (not released as after other 5xx): in progress until its lease lapses, never paid twice
    assertThat(fx.count("SELECT count(*) FROM payments.idempotency_keys WHERE key = ? AND state = 'in_progress'", key))
        .isEqualTo(1);
    AtomicReference<Resp> last = new AtomicReference<>();
    Poll.until("the keyed retry to be served", Duration.ofSeconds(15), () -> {
      Resp r = post("/api/payments", b, u, key);
      last.set(r);
      return r.status() != 409 && r.status() != 503;
    });
    assertThat(last.get().status()).as(last.get().body()).isEqualTo(201);
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_id = ?", u.id())).isEqualTo(1);
    Resp replay = post("/api/payments", b, u, key);
    assertThat(replay.header("idempotent-replayed")).isEqualTo("true");
  }
}
