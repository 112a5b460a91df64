package com.ledger.banksync;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 1: syncs started while the bank is down (the breaker open) are not lost. A call refused by the
 * open breaker reschedules the job for when the breaker half-opens without spending an attempt, so only real calls
 * (the half-open probes) count; every sync completes soon after the bank is back. Before: each refused call spent an
 * attempt (1 + 2 + 4 s backoff) and the jobs went dead within ~9 s, while the outage lasted 10 s.
 */
class SyncOutageTest {
  static TestApp app;
  static BankFixtures fx;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("bank.retries", 0, "bank.breaker_max_failures", 3, "bank.breaker_reset_ms", 4000,
        "jobs.poll_interval_ms", 200, "banksync.periodic_sync", false, "bank.timeout_ms", 2000));
    fx = new BankFixtures(app);
  }

  @AfterAll
  static void stop() {
    app.verifyLedgerAndClose();
  }

  @Test
  void syncs_started_during_an_outage_complete_after_it_without_a_manual_retry() {
    var u = fx.user("user");
    var b = fx.bank("US");
    List<UUID> logins = new ArrayList<>();
    for (int i = 0; i < 5; i++) logins.add(fx.connected(u, b, "outage" + i));

    fx.faults(new JsonObject().put("down_for_seconds", 10));
    long outageEnds = System.currentTimeMillis() + 10_000;
    for (int i = 1; i <= 3; i++) {
      Api.Resp r = fx.connect(u, b, "opener" + i);
      assertThat(r.status()).as(r.body()).isEqualTo(503);
    }
    List<UUID> jobs = new ArrayList<>();
    for (UUID login : logins) jobs.add(fx.sync(u, login));

    for (UUID job : jobs) {
      // deadline: the outage, then 2–3× "within seconds of recovery"
      long left = outageEnds - System.currentTimeMillis() + 20_000;
      JsonObject done = fx.awaitJob(job, Math.max(1000, left), "completed", "dead");
      assertThat(done.getString("state")).as(done.encode()).isEqualTo("completed");
      // attempts were spent on real bank calls only (the half-open probes), never on refusals by the open breaker
      long refused = done.getJsonArray("errors").stream().map(e -> (JsonObject) e)
          .filter(e -> e.getString("message", "").contains("not attempted")).count();
      assertThat(refused).as(done.encode()).isPositive();
      assertThat(done.getInteger("attempt")).as(done.encode()).isLessThanOrEqualTo(4);
    }
    for (UUID login : logins) {
      assertThat(fx.count("SELECT count(*) FROM banksync.user_bank_logins WHERE id = ? AND last_sync_at IS NOT NULL", login))
          .isEqualTo(1);
    }
  }

  /**
   * A login whose sync went dead is retried by the periodic scheduler with backoff, not after its sync_frequency
   * (1 h). Its own node: one attempt per job, a fast scheduler, a 1 s failed-sync backoff.
   */
  @Test
  void a_login_whose_sync_failed_is_retried_by_the_scheduler_long_before_its_sync_frequency() {
    try (TestApp other = TestApp.start(Map.of("bank.retries", 0, "jobs.poll_interval_ms", 200,
        "banksync.periodic_sync", true, "banksync.schedule_interval_ms", 200, "banksync.job_max_attempts", 1,
        "banksync.failed_sync_retry_seconds", 1))) {
      BankFixtures f = new BankFixtures(other);
      var u = f.user("user");
      var b = f.bank("US");
      UUID login = f.connected(u, b, "failing1");
      f.faults(new JsonObject().put("fail", new JsonObject().put("path", "/accounts").put("status", 500).put("count", 1)));
      JsonObject dead = f.awaitJob(f.sync(u, login), 20_000, "completed", "dead");
      assertThat(dead.getString("state")).as(dead.encode()).isEqualTo("dead");
      assertThat(f.count("SELECT count(*) FROM banksync.user_bank_logins WHERE id = ? AND last_sync_at IS NULL", login))
          .isEqualTo(1);
      // no manual retry: the scheduler enqueues the failed login again after its backoff, and that sync succeeds
      Poll.until("the failed login synced by the scheduler", Duration.ofMillis(30_000), () -> f.count(
          "SELECT count(*) FROM banksync.user_bank_logins WHERE id = ? AND last_sync_at IS NOT NULL", login) == 1);
      assertThat(f.count("SELECT count(*) FROM banksync.user_bank_logins WHERE id = ? AND sync_failures = 0", login))
          .isEqualTo(1);
      assertThat(f.count("SELECT count(*) FROM jobs.jobs WHERE args->>'login_id' = ? AND state = 'completed'",
          login.toString())).isEqualTo(1);
      other.assertLedgerVerifies();
    }
  }
}
