package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.ledger.platform.bus.Caller;
import com.ledger.platform.config.PaymentsConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.jobs.Job;
import com.ledger.platform.jobs.JobOutcome;
import com.ledger.platform.jobs.PickedRun;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import com.ledger.support.TestUsers.User;
import io.vertx.core.Future;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules live twice: as SQL inside the posting functions (payments/V3, where the account row is locked) and as
 * the pure {@link TransferPolicy}. One table of scenarios (TransferPolicyTest's) runs through the synchronous
 * function, through the worker's batch function and through the policy, and every outcome must be the same — the
 * same reason, message and details, or the same posting — so the two can never drift apart.
 */
class PostingFunctionTest {
  static TestApp app;
  static Fixtures fx;
  static Pool pool;
  static PaymentsConfig cfg;
  static TransferPolicy policy;
  static Posting posting;
  static PaymentWorker worker;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("roles", List.of("users")));
    fx = new Fixtures(app.app.vertx(), app.app.config(), app.dbUrl);
    pool = Pools.shared(app.app.vertx(), app.app.config().db());
    cfg = app.app.config().payments();
    policy = new TransferPolicy(cfg);
    posting = new Posting(new PaymentRepository(), policy, cfg);
    worker = new PaymentWorker(new PaymentRepository(), cfg);
  }

  @AfterAll
  static void stop() {
    try {
      app.assertLedgerVerifies();
    } finally {
      pool.close().await();
      app.close();
    }
  }

  /** A scenario's account and history: today's debits of {@code spent}, a duplicate on a second account if asked. */
  record Setup(User user, UUID account, UUID payment) {}

  static Setup setup(String amount, String direction, String type, String balance, String status, String spent,
      boolean dup, String paymentStatus) {
    User u = fx.user();
    BigDecimal earlier = new BigDecimal(spent);
    String description = "scenario " + UUID.randomUUID();
    UUID acc;
    if (earlier.signum() > 0) {
      // today's debit, posted for real (journaled) from an opening balance that much higher: the scenario's balance
      // is what it left; then the account gets the scenario's status
      acc = fx.account(u, type, new BigDecimal(balance).add(earlier).toPlainString(), "ACTIVE");
      fx.payment(u, acc, spent, "DEBIT", "earlier today " + UUID.randomUUID(), "COMPLETED");
      fx.exec("UPDATE payments.user_bank_accounts SET status = ? WHERE id = ?", status, acc);
    } else {
      acc = fx.account(u, type, balance, status);
    }
    if (dup) {
      // the same payment completed on a second account (opened with the amount, so a DEBIT can post)
      UUID other = fx.account(u, "CHECKING", "DEBIT".equals(direction) ? amount : "0.00");
      fx.payment(u, other, amount, direction, description, "COMPLETED");
    }
    return new Setup(u, acc, fx.payment(u, acc, amount, direction, description, paymentStatus));
  }

  static Optional<LedgerException> expected(Setup s, String amount, String direction, String type, String balance,
      String status, String spent, boolean dup) {
    Payment p = new Payment(s.payment(), new BigDecimal(amount), direction, "x", "PAYMENT", "PENDING", null, null,
        s.account(), s.user().id(), null, null, null);
    return policy.forProcess(new TransferPolicy.Facts(null, p,
        new TransferPolicy.AccountFacts(s.user().id(), status, type, new BigDecimal(balance)), new BigDecimal(spent),
        dup));
  }

  static void assertSameFailure(Throwable actual, LedgerException want) {
    assertThat(actual).isInstanceOf(LedgerException.class);
    LedgerException got = (LedgerException) actual;
    assertThat(got.code).isEqualTo(want.code);
    assertThat(got.getMessage()).isEqualTo(want.getMessage());
    assertThat(got.details).isEqualTo(want.details);
  }

  static void assertPosted(Setup s, String amount, String direction, String balance, String paymentStatusBefore) {
    BigDecimal a = new BigDecimal(amount);
    BigDecimal after = "DEBIT".equals(direction) ? new BigDecimal(balance).subtract(a) : new BigDecimal(balance).add(a);
    assertThat(fx.status(s.payment())).isEqualTo("COMPLETED");
    assertThat(fx.balance(s.account())).isEqualTo(after.setScale(2).toPlainString());
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE payment_id = ? AND amount = ?::numeric "
        + "AND direction = ?", s.payment(), amount, direction)).isEqualTo(1);
    assertThat(paymentStatusBefore).isIn("PENDING", "PROCESSING");
    // its journal entry, written by the same statement: the account's line of the signed amount, the last of the
    // account's chain (after the opening and any debit of earlier today), and the journal's sum equals the balance
    String signed = ("DEBIT".equals(direction) ? a.negate() : a).setScale(2).toPlainString();
    long lines = fx.count("SELECT count(*) FROM payments.journal_lines WHERE account_id = ?", s.account());
    assertThat(lines).isGreaterThanOrEqualTo(2);
    assertThat(fx.queryStrings("""
        SELECT l.amount::text || ' ' || l.seq FROM payments.journal_entries e
          JOIN payments.journal_lines l ON l.entry_id = e.id AND l.account_id IS NOT NULL
         WHERE e.source_type = 'payment' AND e.source_id = ?""", s.payment())).containsExactly(signed + " " + lines);
    assertThat(fx.queryString("SELECT payments.journal_balance_at(?, NULL)::text", s.account()))
        .isEqualTo(fx.balance(s.account()));
  }

  static void assertUntouched(Setup s, String balance, String paymentStatus) {
    assertThat(fx.status(s.payment())).isEqualTo(paymentStatus);
    assertThat(fx.balance(s.account())).isEqualTo(balance);
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE payment_id = ?", s.payment())).isZero();
    assertThat(fx.count("SELECT count(*) FROM payments.journal_entries WHERE source_id = ?", s.payment())).isZero();
    assertThat(fx.queryString("SELECT payments.journal_balance_at(?, NULL)::text", s.account())).isEqualTo(balance);
  }

  static Stream<Arguments> scenarios() {
    return TransferPolicyTest.processCases();
  }

  @ParameterizedTest(name = "sync: {0}")
  @MethodSource("scenarios")
  void the_sync_function_and_the_policy_agree(String name, String amount, String direction, String type,
      String balance, String status, String spent, boolean dup, String expectedReason) {
    Setup s = setup(amount, direction, type, balance, status, spent, dup, "PENDING");
    Optional<LedgerException> want = expected(s, amount, direction, type, balance, status, spent, dup);
    assertThat(want.map(e -> e.code.reason()).orElse(null)).isEqualTo(expectedReason);

    Caller owner = new Caller(s.user().id().toString(), "user", s.user().email(), null, null);
    Throwable failure = catchThrowable(() -> posting.process(pool, owner, s.payment()).await());
    if (want.isPresent()) {
      assertSameFailure(failure, want.get());
      assertUntouched(s, balance, "PENDING");
    } else {
      assertThat(failure).isNull();
      assertPosted(s, amount, direction, balance, "PENDING");
    }
  }

  @ParameterizedTest(name = "worker batch: {0}")
  @MethodSource("scenarios")
  void the_worker_batch_function_and_the_policy_agree(String name, String amount, String direction, String type,
      String balance, String status, String spent, boolean dup, String expectedReason) {
    Setup s = setup(amount, direction, type, balance, status, spent, dup, "PROCESSING");
    Optional<LedgerException> want = expected(s, amount, direction, type, balance, status, spent, dup);
    Job job = claimedJob(s, "runner-" + UUID.randomUUID());

    Map<UUID, JobOutcome> outcomes = worker.performBatch(List.of(job), job.lockedBy(), pool).await();
    assertThat(outcomes).containsOnlyKeys(job.id());
    JobOutcome o = outcomes.get(job.id());
    if (want.isPresent()) {
      assertThat(o).isInstanceOf(JobOutcome.Failed.class);
      assertSameFailure(((JobOutcome.Failed) o).cause(), want.get());
      assertUntouched(s, balance, "PROCESSING");
      assertThat(fx.queryString("SELECT state FROM jobs.jobs WHERE id = ?", job.id())).isEqualTo("executing");
    } else {
      assertThat(o).isInstanceOf(JobOutcome.Completed.class);
      assertPosted(s, amount, direction, balance, "PROCESSING");
      assertThat(fx.queryString("SELECT state FROM jobs.jobs WHERE id = ?", job.id())).isEqualTo("completed");
      assertThat(fx.queryString("SELECT result::text FROM jobs.jobs WHERE id = ?", job.id()))
          .isEqualTo("{\"status\": \"COMPLETED\", \"payment_id\": \"" + s.payment() + "\"}");
    }
  }

  @ParameterizedTest(name = "worker run: {0}")
  @MethodSource("scenarios")
  void the_worker_run_function_and_the_policy_agree(String name, String amount, String direction, String type,
      String balance, String status, String spent, boolean dup, String expectedReason) {
    runScenario(amount, direction, type, balance, status, spent, dup, 0);
  }

  @ParameterizedTest(name = "worker run of a batch: {0}")
  @MethodSource("scenarios")
  void the_worker_run_of_a_batch_and_the_policy_agree(String name, String amount, String direction, String type,
      String balance, String status, String spent, boolean dup, String expectedReason) {
    // the same scenario with three more payments in the run (another user's credits): a run of four or more writes
    // its postings in one statement (payments/V25), and must answer exactly as a lone posting
    runScenario(amount, direction, type, balance, status, spent, dup, 3);
  }

  /** One scenario's job in a run, with {@code others} more jobs (another user's credits of 1.00) in the same run. */
  private static void runScenario(String amount, String direction, String type, String balance, String status,
      String spent, boolean dup, int others) {
    Setup s = setup(amount, direction, type, balance, status, spent, dup, "PROCESSING");
    Optional<LedgerException> want = expected(s, amount, direction, type, balance, status, spent, dup);
    String queue = "test-" + UUID.randomUUID();
    UUID job = waitingJob(s, queue);
    User other = fx.user();
    UUID otherAccount = fx.account(other, "CHECKING", "0.00");
    List<UUID> otherJobs = new ArrayList<>();
    for (int i = 0; i < others; i++) {
      UUID p = fx.payment(other, otherAccount, "1.00", "CREDIT", "other " + i + " " + UUID.randomUUID(), "PROCESSING");
      otherJobs.add(waitingJob(new Setup(other, otherAccount, p), queue));
    }
    String runner = "runner-" + UUID.randomUUID();

    PickedRun run = worker.claimAndRun(queue, 10, runner, 30, pool).await();
    assertThat(run.picked()).isEqualTo(1 + others);
    assertThat(run.deferred()).isZero();
    if (want.isPresent()) {
      assertThat(run.completed()).isEqualTo(others);
      assertThat(run.failed()).containsOnlyKeys(job);
      // the failed job is claimed as jobs.claim would have: executing under the runner's lease, attempt 1
      assertThat(fx.queryString("SELECT state || ':' || attempt || ':' || locked_by || ':' || (lease_until > now()) "
          + "FROM jobs.jobs WHERE id = ?", job)).isEqualTo("executing:1:" + runner + ":true");
      assertSameFailure(run.failed().get(job).apply(jobRow(job)), want.get());
      assertUntouched(s, balance, "PROCESSING");
    } else {
      assertThat(run.completed()).isEqualTo(1 + others);
      assertThat(run.failed()).isEmpty();
      assertPosted(s, amount, direction, balance, "PROCESSING");
      assertThat(fx.queryString("SELECT state || ':' || attempt || ':' || (locked_by IS NULL) || ':' "
          + "|| (lease_until IS NULL) || ':' || (attempted_at IS NOT NULL) || ':' || (completed_at IS NOT NULL) "
          + "FROM jobs.jobs WHERE id = ?", job)).isEqualTo("completed:1:true:true:true:true");
      assertThat(fx.queryString("SELECT result::text FROM jobs.jobs WHERE id = ?", job))
          .isEqualTo("{\"status\": \"COMPLETED\", \"payment_id\": \"" + s.payment() + "\"}");
    }
    assertThat(fx.balance(otherAccount)).isEqualTo(new BigDecimal(others).setScale(2).toPlainString());
    for (UUID o : otherJobs) {
      assertThat(fx.queryString("SELECT state FROM jobs.jobs WHERE id = ?", o)).isEqualTo("completed");
    }
  }

  /** A waiting (available) PaymentWorker job for the setup's payment in {@code queue}. */
  static UUID waitingJob(Setup s, String queue) {
    return UUID.fromString(fx.queryString("""
        INSERT INTO jobs.jobs (worker, queue, args, user_id)
        VALUES ('PaymentWorker', ?, jsonb_build_object('payment_id', ?::text), ?) RETURNING id""",
        queue, s.payment().toString(), s.user().id()));
  }

  static Job jobRow(UUID id) {
    return pool.preparedQuery("SELECT * FROM jobs.jobs WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> Job.from(rows.iterator().next())).await();
  }

  @Test
  void one_run_posts_many_payments_of_one_account_in_claim_order_and_fails_only_those_that_break_a_rule() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "10.00");
    String queue = "test-" + UUID.randomUUID();
    List<UUID> jobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      UUID p = fx.payment(u, acc, "3.00", "DEBIT", "run " + i, "PROCESSING");
      UUID job = waitingJob(new Setup(u, acc, p), queue);
      // claim order is priority, due time, id: give each job its own due time so the order is the creation order
      fx.exec("UPDATE jobs.jobs SET scheduled_at = scheduled_at - (10 - ?) * interval '1 minute' WHERE id = ?", i, job);
      jobs.add(job);
    }
    String runner = "runner-" + UUID.randomUUID();
    PickedRun run = worker.claimAndRun(queue, 10, runner, 30, pool).await();
    assertThat(run.completed()).isEqualTo(3);
    assertThat(run.deferred()).isZero();
    assertThat(run.failed()).containsOnlyKeys(jobs.get(3), jobs.get(4));
    for (int i = 0; i < 3; i++) {
      assertThat(fx.queryString("SELECT state FROM jobs.jobs WHERE id = ?", jobs.get(i))).isEqualTo("completed");
    }
    for (int i = 3; i < 5; i++) {
      LedgerException e = (LedgerException) run.failed().get(jobs.get(i)).apply(jobRow(jobs.get(i)));
      assertThat(e.code.reason()).isEqualTo("insufficient_funds");
      assertThat(e.details.getString("account_balance")).isEqualTo("1.00");
      assertThat(fx.queryString("SELECT state FROM jobs.jobs WHERE id = ?", jobs.get(i))).isEqualTo("executing");
    }
    assertThat(fx.balance(acc)).isEqualTo("1.00");
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE account_id = ?", acc)).isEqualTo(3);
    assertThat(fx.queryString("SELECT debit_total::text FROM payments.account_daily_totals WHERE account_id = ?", acc))
        .isEqualTo("9.00");
    // nothing left for a second run: the failed jobs are executing, the others completed
    assertThat(worker.claimAndRun(queue, 10, runner, 30, pool).await().picked()).isZero();
  }

  /** Waiting jobs in {@code queue} for these payments, due in list order (claim order = list order). */
  static List<UUID> jobsInOrder(User u, String queue, List<UUID[]> accountAndPayment) {
    List<UUID> jobs = new ArrayList<>();
    for (int i = 0; i < accountAndPayment.size(); i++) {
      UUID[] ap = accountAndPayment.get(i);
      UUID job = waitingJob(new Setup(u, ap[0], ap[1]), queue);
      fx.exec("UPDATE jobs.jobs SET scheduled_at = scheduled_at - (100 - ?) * interval '1 minute' WHERE id = ?",
          i, job);
      jobs.add(job);
    }
    return jobs;
  }

  @Test
  void one_run_finds_the_duplicate_of_a_payment_it_posted_itself_on_another_account() {
    // the run writes its postings after deciding them all: the second payment's original is not in the table yet
    // when the rule runs, and must still be found (the same user, amount, description and direction)
    User u = fx.user();
    UUID first = fx.account(u, "CHECKING", "50.00");
    UUID second = fx.account(u, "SAVINGS", "50.00");
    String description = "twice " + UUID.randomUUID();
    UUID p1 = fx.payment(u, first, "7.00", "DEBIT", description, "PROCESSING");
    UUID p2 = fx.payment(u, second, "7.00", "DEBIT", description, "PROCESSING");
    UUID p3 = fx.payment(u, second, "7.00", "CREDIT", description, "PROCESSING");   // other direction: no duplicate
    UUID p4 = fx.payment(u, second, "7.01", "DEBIT", description, "PROCESSING");    // other amount: no duplicate
    String queue = "test-" + UUID.randomUUID();
    List<UUID> jobs = jobsInOrder(u, queue, List.of(new UUID[] {first, p1}, new UUID[] {second, p2},
        new UUID[] {second, p3}, new UUID[] {second, p4}));

    PickedRun run = worker.claimAndRun(queue, 10, "runner-" + UUID.randomUUID(), 30, pool).await();
    assertThat(run.completed()).isEqualTo(3);
    assertThat(run.failed()).containsOnlyKeys(jobs.get(1));
    LedgerException e = (LedgerException) run.failed().get(jobs.get(1)).apply(jobRow(jobs.get(1)));
    assertThat(e.code.reason()).isEqualTo("duplicate_transaction");
    assertThat(fx.status(p1)).isEqualTo("COMPLETED");
    assertThat(fx.status(p2)).isEqualTo("PROCESSING");
    assertThat(fx.balance(first)).isEqualTo("43.00");
    assertThat(fx.balance(second)).isEqualTo("49.99");   // 50.00 + 7.00 - 7.01
  }

  @Test
  void one_run_keeps_the_daily_limit_of_an_account_across_its_own_postings() {
    // SAVINGS: 500.00 a day. 200.00 was debited earlier today (posted for real: 1,000.00 left); the run debits
    // 150.00 three times: the second reaches 500.00 exactly and posts, the third would make 650.00 and is refused
    // with the total as the run left it; a CREDIT after it still posts, and a DEBIT on another account has its own
    User u = fx.user();
    UUID acc = fx.account(u, "SAVINGS", "1200.00");
    UUID other = fx.account(u, "SAVINGS", "1000.00");
    fx.payment(u, acc, "200.00", "DEBIT", "earlier today " + UUID.randomUUID(), "COMPLETED");
    List<UUID[]> list = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      list.add(new UUID[] {acc, fx.payment(u, acc, "150.00", "DEBIT", "limit " + i + " " + UUID.randomUUID(),
          "PROCESSING")});
    }
    list.add(new UUID[] {acc, fx.payment(u, acc, "5.00", "CREDIT", "credit " + UUID.randomUUID(), "PROCESSING")});
    list.add(new UUID[] {other, fx.payment(u, other, "450.00", "DEBIT", "other " + UUID.randomUUID(), "PROCESSING")});
    String queue = "test-" + UUID.randomUUID();
    List<UUID> jobs = jobsInOrder(u, queue, list);

    PickedRun run = worker.claimAndRun(queue, 10, "runner-" + UUID.randomUUID(), 30, pool).await();
    assertThat(run.completed()).isEqualTo(4);
    assertThat(run.failed()).containsOnlyKeys(jobs.get(2));
    LedgerException e = (LedgerException) run.failed().get(jobs.get(2)).apply(jobRow(jobs.get(2)));
    assertThat(e.code.reason()).isEqualTo("daily_limit_exceeded");
    // the same answer a lone posting gives on the account as the run left it: 700.00 left, 500.00 spent today
    LedgerException want = policy.forProcess(new TransferPolicy.Facts(null,
        new Payment(list.get(2)[1], new BigDecimal("150.00"), "DEBIT", "x", "PAYMENT", "PENDING", null, null, acc,
            u.id(), null, null, null),
        new TransferPolicy.AccountFacts(u.id(), "ACTIVE", "SAVINGS", new BigDecimal("700.00")),
        new BigDecimal("500.00"), false)).orElseThrow();
    assertSameFailure(e, want);
    assertThat(fx.balance(acc)).isEqualTo("705.00");
    assertThat(fx.balance(other)).isEqualTo("550.00");
    assertThat(fx.queryString("SELECT debit_total::text FROM payments.account_daily_totals WHERE account_id = ?", acc))
        .isEqualTo("500.00");
    assertThat(fx.queryString("SELECT debit_total::text FROM payments.account_daily_totals WHERE account_id = ?",
        other)).isEqualTo("450.00");
  }

  @Test
  void a_run_leaves_the_jobs_of_a_busy_account_waiting_untouched_and_posts_the_others() throws Exception {
    User u = fx.user();
    UUID busy = fx.account(u, "CHECKING", "100.00");
    UUID free = fx.account(u, "CHECKING", "100.00");
    String queue = "test-" + UUID.randomUUID();
    UUID onBusy = waitingJob(new Setup(u, busy, fx.payment(u, busy, "1.00", "CREDIT", "busy", "PROCESSING")), queue);
    UUID onFree = waitingJob(new Setup(u, free, fx.payment(u, free, "1.00", "CREDIT", "free", "PROCESSING")), queue);
    String runner = "runner-" + UUID.randomUUID();
    try (java.sql.Connection lock = com.ledger.support.TestDatabase.jdbc(app.dbUrl)) {
      lock.setAutoCommit(false);
      try (var ps = lock.prepareStatement("SELECT 1 FROM payments.user_bank_accounts WHERE id = ? FOR NO KEY UPDATE")) {
        ps.setObject(1, busy);
        ps.executeQuery().close();
      }
      PickedRun run = worker.claimAndRun(queue, 10, runner, 30, pool).await();
      assertThat(run.completed()).isEqualTo(1);
      assertThat(run.deferred()).isEqualTo(1);
      assertThat(run.failed()).isEmpty();
      assertThat(fx.queryString("SELECT state || ':' || attempt || ':' || (locked_by IS NULL) || ':' "
          + "|| (attempted_at IS NULL) FROM jobs.jobs WHERE id = ?", onBusy)).isEqualTo("available:0:true:true");
      assertThat(fx.queryString("SELECT state FROM jobs.jobs WHERE id = ?", onFree)).isEqualTo("completed");
      assertThat(fx.balance(busy)).isEqualTo("100.00");
      lock.rollback();
    }
    PickedRun next = worker.claimAndRun(queue, 10, runner, 30, pool).await();
    assertThat(next.completed()).isEqualTo(1);
    assertThat(fx.queryString("SELECT state || ':' || attempt FROM jobs.jobs WHERE id = ?", onBusy))
        .isEqualTo("completed:1");
    assertThat(fx.balance(busy)).isEqualTo("101.00");
    assertThat(fx.balance(free)).isEqualTo("101.00");
  }

  @ParameterizedTest(name = "{0} payments")
  @ValueSource(ints = {3, 5})   // 5: the next run posts them with one write per table (payments/V25)
  void a_run_that_dies_mid_batch_commits_nothing_and_its_jobs_wait_for_the_next_run(int n) throws Exception {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    String queue = "test-" + UUID.randomUUID();
    List<UUID> payments = new ArrayList<>();
    List<UUID> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      payments.add(fx.payment(u, acc, "2.00", "DEBIT", "dies " + i, "PROCESSING"));
      jobs.add(waitingJob(new Setup(u, acc, payments.get(i)), queue));
    }
    String app = "run-dies-" + UUID.randomUUID().toString().substring(0, 8);
    Pool dying = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(PgConnectOptions.fromUri(PostingFunctionTest.app.dbUrl).addProperty("application_name", app))
        .using(PostingFunctionTest.app.app.vertx()).build();
    try (java.sql.Connection lock = com.ledger.support.TestDatabase.jdbc(PostingFunctionTest.app.dbUrl)) {
      // hold the last payment's row: the run picks its jobs, locks the first payments, then waits for this one
      lock.setAutoCommit(false);
      try (var ps = lock.prepareStatement("SELECT 1 FROM payments.user_payments WHERE id = ? FOR NO KEY UPDATE")) {
        ps.setObject(1, payments.stream().max(UUID::compareTo).orElseThrow());
        ps.executeQuery().close();
      }
      Future<PickedRun> run = worker.claimAndRun(queue, 10, "runner-dies", 30, dying);
      Poll.until("the run waits for the payment", Duration.ofSeconds(10), () -> fx.count(
          "SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND wait_event_type = 'Lock'", app) == 1);
      // the node dies: its backend ends before the statement could commit
      fx.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?", app);
      assertThat(catchThrowable(() -> run.await())).isNotNull();
      lock.rollback();
    } finally {
      dying.close().await();
    }
    for (UUID job : jobs) {
      assertThat(fx.queryString("SELECT state || ':' || attempt || ':' || (locked_by IS NULL) FROM jobs.jobs "
          + "WHERE id = ?", job)).isEqualTo("available:0:true");
    }
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE account_id = ?", acc)).isZero();
    assertThat(fx.balance(acc)).isEqualTo("100.00");
    // the next run (another node's) posts each exactly once
    PickedRun next = worker.claimAndRun(queue, 10, "runner-survives", 30, pool).await();
    assertThat(next.completed()).isEqualTo(n);
    for (UUID p : payments) {
      assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE payment_id = ?", p)).isEqualTo(1);
      assertThat(fx.status(p)).isEqualTo("COMPLETED");
    }
    assertThat(fx.balance(acc)).isEqualTo(new BigDecimal(100 - 2 * n).setScale(2).toPlainString());
    for (UUID job : jobs) {
      assertThat(fx.queryString("SELECT state || ':' || attempt FROM jobs.jobs WHERE id = ?", job))
          .isEqualTo("completed:1");
    }
  }

  /** A PaymentWorker job for the setup's payment, claimed (executing, attempt 1) by {@code runner}. */
  static Job claimedJob(Setup s, String runner) {
    UUID id = UUID.fromString(fx.queryString("""
        INSERT INTO jobs.jobs (worker, queue, state, args, attempt, locked_by, lease_until, user_id)
        VALUES ('PaymentWorker', 'payments', 'executing', jsonb_build_object('payment_id', ?::text), 1, ?,
                now() + interval '30 seconds', ?) RETURNING id""", s.payment().toString(), runner, s.user().id()));
    return pool.preparedQuery("SELECT * FROM jobs.jobs WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> Job.from(rows.iterator().next())).await();
  }

  @Test
  void a_job_whose_lease_was_lost_gets_no_outcome_and_no_posting() {
    Setup s = setup("5.00", "DEBIT", "CHECKING", "100.00", "ACTIVE", "0.00", false, "PROCESSING");
    Job job = claimedJob(s, "runner-a");
    // the lease expired and another runner took the job over (attempt 2)
    fx.exec("UPDATE jobs.jobs SET attempt = 2, locked_by = 'runner-b' WHERE id = ?", job.id());
    assertThat(worker.performBatch(List.of(job), "runner-a", pool).await()).isEmpty();
    assertUntouched(s, "100.00", "PROCESSING");
    assertThat(fx.queryString("SELECT state FROM jobs.jobs WHERE id = ?", job.id())).isEqualTo("executing");
  }

  @Test
  void one_batch_posts_many_payments_of_one_account_in_order_and_fails_only_those_that_break_a_rule() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "10.00");
    String runner = "runner-" + UUID.randomUUID();
    List<Job> jobs = new java.util.ArrayList<>();
    List<UUID> payments = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      UUID p = fx.payment(u, acc, "3.00", "DEBIT", "batch " + i, "PROCESSING");
      payments.add(p);
      jobs.add(claimedJob(new Setup(u, acc, p), runner));
    }
    // the same payment twice in one batch: posted once, both jobs succeed
    jobs.add(claimedJob(new Setup(u, acc, payments.get(0)), runner));
    Map<UUID, JobOutcome> outcomes = worker.performBatch(jobs, runner, pool).await();
    assertThat(outcomes).hasSize(6);
    for (int i = 0; i < 3; i++) assertThat(outcomes.get(jobs.get(i).id())).isInstanceOf(JobOutcome.Completed.class);
    for (int i = 3; i < 5; i++) {
      JobOutcome.Failed f = (JobOutcome.Failed) outcomes.get(jobs.get(i).id());
      assertThat(((LedgerException) f.cause()).code.reason()).isEqualTo("insufficient_funds");
      assertThat(((LedgerException) f.cause()).details.getString("account_balance")).isEqualTo("1.00");
    }
    assertThat(outcomes.get(jobs.get(5).id())).isInstanceOf(JobOutcome.Completed.class);
    assertThat(fx.balance(acc)).isEqualTo("1.00");
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE account_id = ?", acc)).isEqualTo(3);
    assertThat(fx.queryString("SELECT debit_total::text FROM payments.account_daily_totals WHERE account_id = ?", acc))
        .isEqualTo("9.00");
  }

  private static final String PROCESS_REASON = "SELECT o.reason, o.payment_status "
      + "FROM payments.process_payment($1, $2, false, 1e9, '{}'::jsonb, 1e9, 5) o";
  private static final String PAYMENT_INDEX_SCANS =
      "SELECT idx_scan FROM pg_stat_xact_user_tables WHERE relid = 'payments.user_payments'::regclass";

  @Test
  void a_sync_posting_of_a_payment_nobody_holds_reads_its_row_once_before_the_rules() {
    // payments/V18: the row is locked first (SKIP LOCKED) and checked as locked, so the posting probes the payments'
    // index four times: that read, the duplicate rule, the payment's update and the ledger row's foreign-key check
    // (payments/V3 read the row twice before the rules: five)
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "10.00");
    UUID p = fx.payment(u, acc, "1.00", "CREDIT", "one read " + UUID.randomUUID(), "PENDING");
    long scans = pool.withTransaction(c -> c.query(PAYMENT_INDEX_SCANS).execute()
        .compose(before -> c.preparedQuery(PROCESS_REASON).execute(Tuple.of(p, u.id()))
            .compose(posted -> {
              assertThat(posted.iterator().next().getString("reason")).isNull();
              return c.query(PAYMENT_INDEX_SCANS).execute();
            })
            .map(after -> after.iterator().next().getLong(0) - before.iterator().next().getLong(0))))
        .await();
    assertThat(scans).isEqualTo(4);
    assertThat(fx.status(p)).isEqualTo("COMPLETED");
  }

  @Test
  void a_sync_posting_of_a_payment_another_transaction_holds_waits_and_answers_what_that_one_left() {
    // the path when the row is held (SKIP LOCKED finds nothing): checked as found, then the lock awaited and the
    // status re-checked, as payments/V3 always did
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "10.00");
    UUID p = fx.payment(u, acc, "1.00", "CREDIT", "held " + UUID.randomUUID(), "PENDING");
    SqlConnection holder = pool.getConnection().await();
    try {
      holder.query("BEGIN").execute().await();
      holder.preparedQuery("SELECT 1 FROM payments.user_payments WHERE id = $1 FOR NO KEY UPDATE")
          .execute(Tuple.of(p)).await();
      var answer = pool.preparedQuery(PROCESS_REASON).execute(Tuple.of(p, u.id()));
      Poll.until("the posting waits for the payment's lock", Duration.ofSeconds(10), () -> fx.count(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
          + "AND query LIKE '%process_payment%'") == 1);
      holder.preparedQuery("UPDATE payments.user_payments SET status = 'CANCELLED' WHERE id = $1")
          .execute(Tuple.of(p)).await();
      holder.query("COMMIT").execute().await();
      Row r = answer.await().iterator().next();
      assertThat(r.getString("reason")).isEqualTo("already_processed");
      assertThat(r.getString("payment_status")).isEqualTo("CANCELLED");
    } finally {
      holder.close().await();
    }
    assertThat(fx.status(p)).isEqualTo("CANCELLED");
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE payment_id = ?", p)).isZero();
  }

  @Test
  void the_running_daily_total_follows_every_write_of_a_completed_debit() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    String total = "SELECT COALESCE((SELECT debit_total::text FROM payments.account_daily_totals WHERE account_id = ? "
        + "AND day = (now() AT TIME ZONE 'UTC')::date), 'none')";
    assertThat(fx.queryString(total, acc)).isEqualTo("none");
    // the trigger itself, on plain SQL writes (no posting, no journal): an insert as COMPLETED, a status update, a
    // posted_at edit, a delete; the account is deleted at the end, so its unjournaled rows go with it
    UUID a = fx.paymentRow(u, acc, "10.00", "DEBIT", "a", "COMPLETED");              // inserted completed
    fx.paymentRow(u, acc, "99.00", "CREDIT", "credits never count", "COMPLETED");
    fx.payment(u, acc, "7.00", "DEBIT", "pending does not count", "PENDING");
    assertThat(fx.queryString(total, acc)).isEqualTo("10.00");
    UUID b = fx.payment(u, acc, "2.50", "DEBIT", "b", "PROCESSING");
    fx.exec("UPDATE payments.user_payments SET status = 'COMPLETED', posted_at = now() WHERE id = ?", b);
    assertThat(fx.queryString(total, acc)).isEqualTo("12.50");
    fx.exec("UPDATE payments.user_payments SET description = 'renamed', updated_at = now() WHERE id = ?", b);
    assertThat(fx.queryString(total, acc)).isEqualTo("12.50");
    // yesterday's debits are yesterday's
    fx.exec("UPDATE payments.user_payments SET posted_at = now() - interval '1 day' WHERE id = ?", a);
    assertThat(fx.queryString(total, acc)).isEqualTo("2.50");
    fx.exec("DELETE FROM payments.user_payments WHERE id = ?", b);
    assertThat(fx.queryString(total, acc)).isEqualTo("0.00");
    // the facts the validate and status routes read come from the same total
    assertThat(fx.queryString("SELECT payments.daily_spent(?)::text", acc)).isEqualTo("0.00");
    fx.paymentRow(u, acc, "4.00", "DEBIT", "c", "COMPLETED");
    assertThat(fx.queryString("SELECT payments.daily_spent(?)::text", acc)).isEqualTo("4.00");
    // deleting the account takes its totals with it
    fx.exec("DELETE FROM payments.user_bank_accounts WHERE id = ?", acc);
    assertThat(fx.count("SELECT count(*) FROM payments.account_daily_totals WHERE account_id = ?", acc)).isZero();
  }

  private static final String PROCESS_WITH_DAILY_LIMIT = "SELECT o.reason "
      + "FROM payments.process_payment($1, $2, false, 1e9, '{}'::jsonb, $3, 5) o";

  @Test
  void sync_postings_queued_on_a_busy_account_keep_every_rule_exact() {
    // payments/V19: a posting that finds its account held writes what does not need the account row first, then
    // waits for the lock and checks the rules under it; a rule failing there undoes the early writes. Two accounts
    // are held while 130 postings start, so every one of them takes that path, then they run against each other.
    //   rich: 100.00, daily limit 30.00: 40 debits of 1.00 (30 post, 10 daily_limit_exceeded), 30 distinct credits
    //         (all post), 10 credits alike (1 posts, 9 duplicate_transaction)
    //   poor: 10.00: 20 debits of 1.00 (10 post, 10 insufficient_funds)
    User u = fx.user();
    UUID rich = fx.account(u, "CHECKING", "100.00");
    UUID poor = fx.account(u, "CHECKING", "10.00");
    String run = UUID.randomUUID().toString();
    List<UUID> payments = new ArrayList<>();
    for (int i = 0; i < 40; i++) payments.add(fx.payment(u, rich, "1.00", "DEBIT", "debit " + i + " " + run, "PENDING"));
    for (int i = 0; i < 30; i++) payments.add(fx.payment(u, rich, "1.00", "CREDIT", "credit " + i + " " + run, "PENDING"));
    for (int i = 0; i < 10; i++) payments.add(fx.payment(u, rich, "1.00", "CREDIT", "alike " + run, "PENDING"));
    Collections.shuffle(payments);
    // the poor account's debits first: all 20 read its balance (10.00) before the lock, so only the check under the
    // lock can stop the eleventh
    for (int i = 0; i < 20; i++) payments.add(0, fx.payment(u, poor, "1.00", "DEBIT", "poor " + i + " " + run, "PENDING"));

    Map<String, Long> reasons;
    SqlConnection holder = pool.getConnection().await();
    Pool many = PgBuilder.pool().with(new PoolOptions().setMaxSize(24))
        .connectingTo(PgConnectOptions.fromUri(app.dbUrl))
        .using(app.app.vertx()).build();
    try {
      holder.query("BEGIN").execute().await();
      holder.preparedQuery("SELECT 1 FROM payments.user_bank_accounts WHERE id = ANY($1) FOR NO KEY UPDATE")
          .execute(Tuple.of(new UUID[] {rich, poor})).await();
      List<Future<String>> answers = payments.stream().map(p -> many.preparedQuery(PROCESS_WITH_DAILY_LIMIT)
          .execute(Tuple.of(p, u.id(), new BigDecimal("30.00")))
          .map(rows -> String.valueOf(rows.iterator().next().getString("reason")))).toList();
      Poll.until("postings wait for the held accounts", Duration.ofSeconds(20), () -> fx.count(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
          + "AND query LIKE '%process_payment%'") >= 20);
      holder.query("COMMIT").execute().await();
      reasons = Future.all(answers).await().<String>list().stream()
          .collect(Collectors.groupingBy(r -> r, Collectors.counting()));
    } finally {
      holder.close().await();
      many.close().await();
    }
    assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of("null", 71L, "daily_limit_exceeded", 10L,
        "duplicate_transaction", 9L, "insufficient_funds", 10L));
    assertThat(fx.balance(rich)).isEqualTo("101.00");          // 100 - 30 + 30 + 1
    assertThat(fx.balance(poor)).isEqualTo("0.00");
    assertThat(fx.queryString("SELECT debit_total::text FROM payments.account_daily_totals WHERE account_id = ?", rich))
        .isEqualTo("30.00");
    for (UUID acc : List.of(rich, poor)) {
      // exactly the posted payments have their ledger row and journal entry; the failed ones left nothing
      long posted = fx.count("SELECT count(*) FROM payments.user_payments WHERE user_bank_account_id = ? "
          + "AND status = 'COMPLETED'", acc);
      assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_bank_account_id = ? "
          + "AND status = 'PENDING'", acc)).isEqualTo(acc == rich ? 19 : 10);
      assertThat(fx.count("SELECT count(*) FROM payments.transactions t JOIN payments.user_payments p "
          + "ON p.id = t.payment_id WHERE t.account_id = ? AND p.status = 'COMPLETED'", acc)).isEqualTo(posted);
      assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE account_id = ?", acc)).isEqualTo(posted);
      assertThat(fx.count("SELECT count(*) FROM payments.journal_entries e JOIN payments.user_payments p "
          + "ON p.id = e.source_id WHERE e.source_type = 'payment' AND p.user_bank_account_id = ?", acc))
          .isEqualTo(posted);
      // the chain: opening + one line per posting, seq 1..n without a gap, and the journal sums to the balance
      assertThat(fx.count("SELECT count(*) FROM payments.journal_lines WHERE account_id = ?", acc)).isEqualTo(posted + 1);
      assertThat(fx.queryString("SELECT max(seq)::text FROM payments.journal_lines WHERE account_id = ?", acc))
          .isEqualTo(String.valueOf(posted + 1));
      assertThat(fx.queryString("SELECT payments.journal_balance_at(?, NULL)::text", acc)).isEqualTo(fx.balance(acc));
    }
    assertThat(fx.count("SELECT count(*) FROM payments.ledger_verify()")).isZero();
  }
}
