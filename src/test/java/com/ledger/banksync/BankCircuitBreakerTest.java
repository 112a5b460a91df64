package com.ledger.banksync;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bank is down: the breaker opens after the configured failures, then fails fast (503 + Retry-After) without
 * touching the bank, readiness stays 200, health and metrics show the state; when the bank is back the half-open
 * probe — here the retried sync job's first bank call — closes the breaker and the sync completes.
 */
class BankCircuitBreakerTest {
  static TestApp app;
  static BankFixtures fx;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("bank.retries", 0, "bank.breaker_max_failures", 3, "bank.breaker_reset_ms", 3000,
        "jobs.poll_interval_ms", 200, "banksync.periodic_sync", false,
        "bank.timeout_ms", 2000));
    fx = new BankFixtures(app);
  }

  @AfterAll
  static void stop() {
    app.verifyLedgerAndClose();
  }

  private static JsonObject breaker() {
    Api.Resp r = app.api.get("/api/health/detailed", null);
    return r.json().getJsonObject("details").getJsonObject("bank_circuit_breaker");
  }

  @Test
  void opens_fails_fast_stays_ready_and_recovers_through_a_half_open_probe() {
    var u = fx.user("user");
    var b = fx.bank("US");
    UUID login = fx.connected(u, b, "steady1");
    UUID flaky = fx.connected(u, b, "flaky2");
    assertThat(breaker().getString("state")).isEqualTo("closed");
    assertThat(breaker().getInteger("max_failures")).isEqualTo(3);

    fx.faults(new JsonObject().put("down_for_seconds", 120));
    for (int i = 1; i <= 3; i++) {
      Api.Resp r = fx.connect(u, b, "down" + i);
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      assertThat(r.reason()).isEqualTo("bank_api_error");
    }
    assertThat(breaker().getString("state")).isEqualTo("open");
    long bankCallsWhenOpened = fx.counter("requests /oauth2/token");

    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      long t0 = System.nanoTime();
      Api.Resp r = fx.connect(u, b, "fast" + i);
      micros.add((System.nanoTime() - t0) / 1000);
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      assertThat(r.reason()).isEqualTo("service_unavailable");
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.header("Retry-After")).isEqualTo("1");
      assertThat(r.json().getBoolean("retryable")).isTrue();
    }
    Collections.sort(micros);
    System.out.println("open-breaker fail-fast latency (µs, sorted): " + micros);
    assertThat(micros.get(micros.size() / 2)).as("median µs").isLessThan(50_000);
    assertThat(fx.counter("requests /oauth2/token")).as("no bank call while open").isEqualTo(bankCallsWhenOpened);

    Api.Resp ready = app.api.get("/api/health/ready", null);
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(ready.json().getString("status")).isEqualTo("ready");
    JsonObject open = breaker();
    assertThat(open.getJsonArray("breakers").getJsonObject(0).getLong("rejected_total")).isGreaterThanOrEqualTo(7);
    assertThat(open.getJsonArray("breakers").getJsonObject(0).getLong("opened_total")).isEqualTo(1);
    String metrics = app.api.get("/api/metrics", null).body();
    assertThat(metrics).containsPattern("ledger_bank_circuit_breaker_state\\{remote=\"http://127.0.0.1:\\d+\"} 2.0");
    assertThat(metrics).contains("ledger_bank_circuit_breaker_transitions_total{remote=");
    assertThat(metrics).containsPattern("ledger_bank_requests_total\\{operation=\"password_grant\",outcome=\"rejected\"} \\d+");

    // a sync scheduled while the breaker is open fails fast and is retried by the job policy
    UUID jobId = fx.sync(u, login);
    Poll.until("first attempt failed", Duration.ofMillis(10_000), () -> fx.job(jobId).getJsonArray("errors").size() >= 1);
    JsonObject failed = fx.job(jobId);
    assertThat(failed.getJsonArray("errors").getJsonObject(0).getString("reason")).as(failed.encode())
        .isEqualTo("service_unavailable");
    assertThat(failed.getString("state")).isIn("retryable", "executing", "completed");

    // the bank comes back; after the reset timeout the breaker lets one probe through (the job's retry), which closes it
    fx.resetSandbox();
    JsonObject done = fx.awaitJob(jobId, 20_000, "completed", "dead");
    assertThat(done.getString("state")).as(done.encode()).isEqualTo("completed");
    assertThat(done.getJsonObject("result").getInteger("transactions_imported")).isEqualTo(2);
    assertThat(done.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("reason")))
        .containsOnly("service_unavailable");
    assertThat(breaker().getString("state")).isEqualTo("closed");
    assertThat(fx.count("SELECT count(*) FROM payments.transactions t JOIN payments.user_bank_accounts a ON a.id = t.account_id "
        + "WHERE a.user_bank_login_id = ?", login)).isEqualTo(2);
    String after = app.api.get("/api/metrics", null).body();
    assertThat(after).containsPattern("ledger_bank_circuit_breaker_state\\{remote=\"http://127.0.0.1:\\d+\"} 0.0");
    assertThat(after).containsPattern("ledger_bank_circuit_breaker_transitions_total\\{remote=\"[^\"]+\",state=\"half_open\"} 1.0");
    assertThat(fx.connect(u, b, "after1").status()).isEqualTo(201);

    // with no client retries (bank.retries 0), a flaky login's first accounts call fails the attempt; the job's
    // retry is the same sync for the bank, so it succeeds on attempt 2
    JsonObject flakyJob = fx.awaitJob(fx.sync(u, flaky), 15_000, "completed", "dead");
    assertThat(flakyJob.getString("state")).as(flakyJob.encode()).isEqualTo("completed");
    assertThat(flakyJob.getInteger("attempt")).isEqualTo(2);
    assertThat(flakyJob.getJsonArray("errors").getJsonObject(0).getString("reason")).isEqualTo("bank_api_error");
    assertThat(flakyJob.getJsonObject("result").getInteger("transactions_imported")).isEqualTo(2);
    assertThat(breaker().getString("state")).isEqualTo("closed");
  }
}
