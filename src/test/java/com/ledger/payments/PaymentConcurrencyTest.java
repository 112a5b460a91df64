package com.ledger.payments;

import static com.ledger.payments.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.Api.Resp;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import com.ledger.support.TestUsers.User;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many postings against one balance, both paths (the one-statement sync posting and the batched workers): the account
 * row lock, the running daily total and the DB constraints keep it exact.
 */
class PaymentConcurrencyTest {
  static TestApp app;
  static Api api;
  static Fixtures fx;

  @BeforeAll
  static void start() {
    // daily limits must not interfere with 100 debits of 1.00 on CHECKING; SAVINGS accounts get a limit of 100.00
    app = TestApp.start(Map.of("payments.checking_daily_limit", "1000000.00", "payments.savings_daily_limit", "100.00"));
    api = app.api;
    fx = new Fixtures(app.app.vertx(), app.app.config(), app.dbUrl);
  }

  /** After every scenario (concurrent debits, double processing): the journal verifies (issue 12). */
  @AfterAll
  static void stop() {
    try {
      fx.assertLedgerVerifies();
    } finally {
      app.close();
    }
  }

  /** Runs every task at once (behind a start gate) on its own thread; returns the results in task order. */
  static <T> List<T> allAtOnce(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    CountDownLatch gate = new CountDownLatch(1);
    try {
      List<Future<T>> fs = new ArrayList<>();
      for (Callable<T> t : tasks) fs.add(pool.submit(() -> {
        gate.await();
        return t.call();
      }));
      gate.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : fs) out.add(f.get());
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  static List<UUID> twoHundredDebits(User u, UUID acc) throws Exception {
    List<Callable<UUID>> creates = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int k = i;
      creates.add(() -> create(api, u, acc, "1.00", "DEBIT", "debit #" + k));
    }
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<UUID> ids = new ArrayList<>();
      for (Future<UUID> f : pool.invokeAll(creates)) ids.add(f.get());
      return ids;
    } finally {
      pool.shutdownNow();
    }
  }

  static void assertLedgerMatches(UUID acc, String expectedBalance, int postings) {
    assertThat(fx.balance(acc)).isEqualTo(expectedBalance);
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE account_id = ?", acc)).isEqualTo(postings);
    assertThat(fx.queryString("SELECT COALESCE(sum(amount), 0)::text FROM payments.transactions WHERE account_id = ? "
        + "AND direction = 'DEBIT'", acc)).isEqualTo(postings + ".00");
    // every COMPLETED payment has exactly one ledger row, nothing else has one
    assertThat(fx.count("""
        SELECT count(*) FROM payments.user_payments p
        WHERE p.user_bank_account_id = ? AND (p.status = 'COMPLETED') <>
              ((SELECT count(*) FROM payments.transactions t WHERE t.payment_id = p.id) = 1)""", acc)).isZero();
  }

  /** POST /process for every payment at once (with {@code headers}). */
  static List<Resp> processAll(User u, List<UUID> ids, Map<String, String> headers) throws Exception {
    List<Callable<Resp>> processes = new ArrayList<>();
    for (UUID id : ids) processes.add(() -> Http1.post(api.base, "/api/payments/" + id + "/process", null, u.token(), headers));
    return allAtOnce(processes);
  }

  /** Sync answers: exactly 100 postings (200) and 100 problems of {@code reason} (422), nothing else. */
  static List<Resp> assertHundredPostedHundredRefused(List<Resp> results, String reason) {
    List<Resp> refused = new ArrayList<>();
    int ok = 0;
    for (Resp r : results) {
      if (r.status() == 200) ok++;
      else if (r.status() == 422 && reason.equals(r.reason())) refused.add(r);
      else throw new AssertionError("unexpected answer: " + r);
    }
    assertThat(ok).isEqualTo(100);
    assertThat(refused).hasSize(100);
    return refused;
  }

  /**
   * Async: every payment settles; 100 FAILED with {@code reason} and their jobs dead after one attempt with that
   * business rule; 100 posted with their jobs completed, result {payment_id, status}.
   */
  static void assertAsyncHundredPostedHundredFailed(UUID acc, String reason) {
    Poll.until("all 200 settled", Duration.ofSeconds(60), () -> fx.count(
        "SELECT count(*) FROM payments.user_payments WHERE user_bank_account_id = ? AND status IN ('PENDING','PROCESSING')",
        acc) == 0);
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_bank_account_id = ? AND status = 'COMPLETED'",
        acc)).isEqualTo(100);
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_bank_account_id = ? AND status = 'FAILED' "
        + "AND failure_reason = ?", acc, reason)).isEqualTo(100);
    String jobsOfAccount = "SELECT count(*) FROM jobs.jobs j JOIN payments.user_payments p ON p.id::text = j.args->>'payment_id' "
        + "WHERE p.user_bank_account_id = ? AND ";
    assertThat(fx.count(jobsOfAccount + "j.state = 'dead' AND j.attempt = 1 AND jsonb_array_length(j.errors) = 1 "
        + "AND j.errors->0->>'reason' = ? AND j.errors->0->>'category' = 'business_rule' AND p.status = 'FAILED'", acc, reason))
        .isEqualTo(100);
    assertThat(fx.count(jobsOfAccount + "j.state = 'completed' AND j.attempt = 1 AND j.result->>'status' = 'COMPLETED' "
        + "AND j.result->>'payment_id' = p.id::text AND p.status = 'COMPLETED'", acc)).isEqualTo(100);
  }

  /** The account's running daily DEBIT total, as the posting reads it. */
  static String spentToday(UUID acc) {
    return fx.queryString("SELECT payments.daily_spent(?)::text", acc);
  }

  @Test
  void two_hundred_sync_debits_of_one_against_one_hundred() throws Exception {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    assertHundredPostedHundredRefused(processAll(u, twoHundredDebits(u, acc), Map.of()), "insufficient_funds");
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_bank_account_id = ? AND status = 'PENDING'",
        acc)).isEqualTo(100);
    assertLedgerMatches(acc, "0.00", 100);
  }

  @Test
  void two_hundred_async_debits_of_one_against_one_hundred() throws Exception {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    for (Resp r : processAll(u, twoHundredDebits(u, acc), Map.of("Prefer", "respond-async"))) {
      assertThat(r.status()).as(r.body()).isEqualTo(202);
    }
    assertAsyncHundredPostedHundredFailed(acc, "insufficient_funds");
    assertLedgerMatches(acc, "0.00", 100);
  }

  @Test
  void two_hundred_sync_debits_on_one_account_stop_exactly_at_the_daily_limit() throws Exception {
    User u = fx.user();
    UUID acc = fx.account(u, "SAVINGS", "150.00");
    List<Resp> refused =
        assertHundredPostedHundredRefused(processAll(u, twoHundredDebits(u, acc), Map.of()), "daily_limit_exceeded");
    for (Resp r : refused) {
      assertThat(r.json().getJsonObject("details")).isEqualTo(new JsonObject().put("daily_limit", "100.00")
          .put("daily_spent", "100.00").put("payment_amount", "1.00"));
    }
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_bank_account_id = ? AND status = 'PENDING'",
        acc)).isEqualTo(100);
    assertLedgerMatches(acc, "50.00", 100);
    assertThat(spentToday(acc)).isEqualTo("100.00");
  }

  @Test
  void two_hundred_async_debits_on_one_account_stop_exactly_at_the_daily_limit() throws Exception {
    User u = fx.user();
    UUID acc = fx.account(u, "SAVINGS", "150.00");
    for (Resp r : processAll(u, twoHundredDebits(u, acc), Map.of("Prefer", "respond-async"))) {
      assertThat(r.status()).as(r.body()).isEqualTo(202);
    }
    assertAsyncHundredPostedHundredFailed(acc, "daily_limit_exceeded");
    assertLedgerMatches(acc, "50.00", 100);
    assertThat(spentToday(acc)).isEqualTo("100.00");
  }

  @Test
  void one_payment_processed_by_two_requests_posts_once() throws Exception {
    User u = fx.user();
    User admin = fx.user("admin");
    UUID acc = fx.account(u, "CHECKING", "100.00");
    for (int round = 0; round < 5; round++) {
      UUID p = create(api, u, acc, "7.00", "DEBIT", "twice " + round);
      List<Callable<Resp>> both = List.of(
          () -> api.post("/api/payments/" + p + "/process", null, admin.token()),
          () -> api.post("/api/payments/" + p + "/process", null, admin.token()));
      List<Resp> rs = allAtOnce(both);
      assertThat(rs).extracting(Resp::status).containsExactlyInAnyOrder(200, 409);
      assertThat(rs.stream().filter(r -> r.status() == 409).findFirst().orElseThrow().reason()).isEqualTo("already_processed");
      assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE payment_id = ?", p)).isEqualTo(1);
    }
    assertThat(fx.balance(acc)).isEqualTo("65.00");
  }

  @Test
  void one_payment_run_by_two_worker_jobs_posts_once() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    List<UUID> payments = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      UUID p = fx.payment(u, acc, "3.00", "DEBIT", "two jobs " + round, "PROCESSING");
      payments.add(p);
      // two jobs for one payment (the API's uniqueness window would prevent this; a retry race could not)
      for (int j = 0; j < 2; j++) {
        fx.exec("INSERT INTO jobs.jobs (worker, queue, args, user_id) VALUES ('PaymentWorker', 'payments', "
            + "jsonb_build_object('payment_id', ?::text), ?)", p.toString(), u.id());
      }
    }
    app.app.vertx().eventBus().publish("jobs.payments.wake", null);
    Poll.until("10 jobs completed", Duration.ofSeconds(20), () -> fx.count(
        "SELECT count(*) FROM jobs.jobs WHERE state = 'completed' AND args->>'payment_id' IN (SELECT id::text FROM "
            + "payments.user_payments WHERE user_bank_account_id = ?)", acc) == 10);
    for (UUID p : payments) {
      assertThat(fx.status(p)).isEqualTo("COMPLETED");
      assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE payment_id = ?", p)).isEqualTo(1);
    }
    assertThat(fx.balance(acc)).isEqualTo("85.00");
  }
}
