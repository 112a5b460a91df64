package com.ledger.banksync;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.TestApp;
import io.vertx.core.json.JsonObject;
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
    app.close();
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
}
