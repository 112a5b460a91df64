package com.ledger.payments;

import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.Db;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import com.ledger.support.TestUsers.User;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sync posting is served on the HTTP verticle's own event loop (a lane), not through the bus; its answer still
 * has the bus's deadline ({@code http.request_timeout_ms}). The lane's future is bound to that loop so that its timer
 * is a task of the loop (issue 8: through Netty's global executor it cost a lock and a thread wake-up per request);
 * this shows the deadline still holds: a posting blocked on a row lock is answered 503 when it passes. One HTTP event
 * loop, so that every request here goes through the same loop's group commit (GroupCommit): a blocked posting holds
 * back only its own requests, not the loop's next posting on another account.
 */
class LaneTimeoutTest {
  static TestApp app;
  static Api api;
  static Fixtures fx;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("http.request_timeout_ms", 1000, "http.instances", 1));
    api = app.api;
    fx = new Fixtures(app.app.vertx(), app.app.config(), app.dbUrl);
  }

  @AfterAll
  static void stop() {
    app.verifyLedgerAndClose();
  }

  @Test
  void a_posting_blocked_past_the_request_timeout_is_answered_503_and_posts_once_the_lock_is_gone() throws Exception {
    User u = fx.user();
    UUID account = fx.account(u, "CHECKING", "100.00");
    UUID payment = Fixtures.create(api, u, account, "10.00", "DEBIT", "blocked " + UUID.randomUUID());
    Db db = new Db(app.dbUrl);
    Api.Resp answer;
    long tookMs;
    try (Connection lock = db.connect()) {
      lock.setAutoCommit(false);
      try (Statement s = lock.createStatement()) {
        s.execute("SELECT 1 FROM payments.user_bank_accounts WHERE id = '" + account + "' FOR UPDATE");
      }
      long t0 = System.nanoTime();
      answer = api.post("/api/payments/" + payment + "/process", null, u.token());
      tookMs = (System.nanoTime() - t0) / 1_000_000;
      lock.rollback();
    }
    assertProblem(answer, 503, "service_unavailable");
    assertThat(tookMs).as("answered at the request timeout, not when the lock went").isBetween(900L, 9_000L);
    // the statement was not cancelled: it posts once the account is free, exactly once
    Poll.until("the blocked payment posted", Duration.ofSeconds(10),
        () -> "COMPLETED".equals(db.string("SELECT status FROM payments.user_payments WHERE id = ?", payment)));
    assertThat(fx.balance(account)).isEqualTo("90.00");
    assertThat(db.count("SELECT count(*) FROM payments.transactions WHERE payment_id = ?", payment)).isEqualTo(1);
  }

  @Test
  void a_posting_blocked_on_a_held_account_does_not_hold_back_the_loops_next_posting_on_another_account()
      throws Exception {
    User u = fx.user();
    UUID held = fx.account(u, "CHECKING", "100.00");
    UUID free = fx.account(u, "SAVINGS", "100.00");
    UUID blocked = Fixtures.create(api, u, held, "10.00", "DEBIT", "held " + UUID.randomUUID());
    UUID other = Fixtures.create(api, u, free, "10.00", "DEBIT", "free " + UUID.randomUUID());
    Db db = new Db(app.dbUrl);
    double stalledBefore = stalledStatements();
    Api.Resp answer;
    CompletableFuture<Api.Resp> first;
    try (Connection lock = db.connect()) {
      lock.setAutoCommit(false);
      try (Statement s = lock.createStatement()) {
        s.execute("SELECT 1 FROM payments.user_bank_accounts WHERE id = '" + held + "' FOR UPDATE");
      }
      first = CompletableFuture.supplyAsync(() -> api.post("/api/payments/" + blocked + "/process", null, u.token()));
      // the loop's posting statement now waits for the held account
      Poll.until("the first posting waits for the account", Duration.ofSeconds(10),
          () -> db.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
              + "AND wait_event_type = 'Lock'") > 0);
      answer = api.post("/api/payments/" + other + "/process", null, u.token());
      assertThat(first.get(10, TimeUnit.SECONDS).status()).as("the blocked posting, at the request timeout")
          .isEqualTo(503);
      lock.rollback();
    }
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(fx.balance(free)).isEqualTo("90.00");
    assertThat(stalledStatements()).as("the stall rule's statement, on /api/metrics").isEqualTo(stalledBefore + 1);
    Poll.until("the blocked payment posted", Duration.ofSeconds(10),
        () -> "COMPLETED".equals(db.string("SELECT status FROM payments.user_payments WHERE id = ?", blocked)));
    assertThat(fx.balance(held)).isEqualTo("90.00");
  }

  /** ledger_payments_sync_stalled_statements_total as the node's /api/metrics shows it. */
  private static double stalledStatements() {
    Api.Resp scrape = api.get("/api/metrics", null);
    assertThat(scrape.status()).isEqualTo(200);
    return scrape.body().lines().filter(l -> l.matches("ledger_payments_sync_stalled_statements_total[ {].*"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
        .orElseThrow(() -> new AssertionError("no ledger_payments_sync_stalled_statements_total on /api/metrics"));
  }
}
