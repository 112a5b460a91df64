package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.payments.PaymentRepository.BatchRequest;
import com.ledger.platform.config.PaymentsConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.errors.LedgerException;
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
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sync posting of many requests in one statement and transaction ({@link GroupCommit}, payments/V22
 * process_payments): every request of a batch is answered exactly as it would be alone, in order, each seeing the
 * postings before it; batches whose accounts overlap in any order never deadlock.
 */
class ProcessBatchTest {
  static TestApp app;
  static Fixtures fx;
  static Pool pool;
  static Posting posting;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("roles", List.of("users")));
    fx = new Fixtures(app.app.vertx(), app.app.config(), app.dbUrl);
    pool = Pools.shared(app.app.vertx(), app.app.config().db());
    PaymentsConfig cfg = app.app.config().payments();
    posting = new Posting(new PaymentRepository(), new TransferPolicy(cfg), cfg);
  }

  @AfterAll
  static void stop() {
    try {
      fx.assertLedgerVerifies();
    } finally {
      pool.close().await();
      app.close();
    }
  }

  /** The answers of one batch, each as "posted" or the reason (and status) of its problem. */
  static List<String> processAll(List<BatchRequest> requests) {
    List<String> out = new ArrayList<>();
    for (Future<Payment> a : posting.processAll(pool, requests).await()) {
      try {
        out.add("posted " + a.await().status());
      } catch (LedgerException e) {
        out.add((e.code.reason() + " " + (e.details == null ? "" : e.details.getString("status", ""))).trim());
      }
    }
    return out;
  }

  @Test
  void each_request_of_a_batch_is_answered_as_alone_in_order() {
    User owner = fx.user();
    User other = fx.user();
    User admin = fx.user("admin");
    UUID acc = fx.account(owner, "CHECKING", "10.00");
    UUID mine = fx.payment(owner, acc, "1.00", "DEBIT", "batch mine", "PENDING");
    UUID notYours = fx.payment(owner, acc, "1.00", "DEBIT", "batch not yours", "PENDING");
    UUID processing = fx.payment(owner, acc, "1.00", "DEBIT", "batch processing", "PROCESSING");
    UUID completed = fx.payment(owner, acc, "1.00", "DEBIT", "batch completed", "COMPLETED");  // posted: 9.00
    UUID twice = fx.payment(owner, acc, "2.00", "DEBIT", "batch twice", "PENDING");
    UUID tooMuch = fx.payment(owner, acc, "9.00", "DEBIT", "batch too much", "PENDING");
    UUID credit = fx.payment(owner, acc, "5.00", "CREDIT", "batch credit", "PENDING");
    UUID afterCredit = fx.payment(owner, acc, "9.00", "DEBIT", "batch after credit", "PENDING");
    UUID missing = UUID.randomUUID();

    List<String> answers = processAll(List.of(
        new BatchRequest(mine, owner.id(), false),             // 9 -> 8
        new BatchRequest(missing, owner.id(), false),
        new BatchRequest(notYours, other.id(), false),
        new BatchRequest(processing, admin.id(), true),
        new BatchRequest(completed, owner.id(), false),
        new BatchRequest(twice, owner.id(), false),            // 8 -> 6
        new BatchRequest(twice, admin.id(), true),
        new BatchRequest(tooMuch, owner.id(), false),          // 9.00 > 6.00
        new BatchRequest(credit, owner.id(), false),           // 6 -> 11
        new BatchRequest(afterCredit, owner.id(), false)));    // 11 -> 2: only after the credit before it

    assertThat(answers).containsExactly("posted COMPLETED", "payment_not_found", "insufficient_permissions",
        "already_processed PROCESSING", "insufficient_permissions", "posted COMPLETED", "already_processed COMPLETED",
        "insufficient_funds", "posted COMPLETED", "posted COMPLETED");
    assertThat(fx.balance(acc)).isEqualTo("2.00");
    assertThat(fx.status(notYours)).isEqualTo("PENDING");
    assertThat(fx.status(tooMuch)).isEqualTo("PENDING");
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE account_id = ?", acc)).isEqualTo(5);
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE payment_id = ?", twice)).isEqualTo(1);
  }

  private static final String PROCESS_ALL_WITH_DAILY_LIMIT = "SELECT b.ord, (b.o).reason "
      + "FROM payments.process_payments($1, $2, $3, 1e9, '{}'::jsonb, $4, 5) AS b(ord, o) ORDER BY b.ord";

  @Test
  void the_rules_hold_exactly_across_a_batch() {
    // one batch, shuffled: rich 100.00 with a daily limit of 30.00: 40 debits of 1.00 (30 post, 10
    // daily_limit_exceeded), 10 credits alike (1 posts, 9 duplicate_transaction); poor 10.00: 20 debits of 1.00
    // (10 post, 10 insufficient_funds)
    User u = fx.user();
    UUID rich = fx.account(u, "CHECKING", "100.00");
    UUID poor = fx.account(u, "CHECKING", "10.00");
    String run = UUID.randomUUID().toString();
    List<UUID> payments = new ArrayList<>();
    for (int i = 0; i < 40; i++) payments.add(fx.payment(u, rich, "1.00", "DEBIT", "debit " + i + " " + run, "PENDING"));
    for (int i = 0; i < 10; i++) payments.add(fx.payment(u, rich, "1.00", "CREDIT", "alike " + run, "PENDING"));
    for (int i = 0; i < 20; i++) payments.add(fx.payment(u, poor, "1.00", "DEBIT", "poor " + i + " " + run, "PENDING"));
    Collections.shuffle(payments);
    UUID[] callers = Collections.nCopies(payments.size(), u.id()).toArray(UUID[]::new);
    Boolean[] admins = Collections.nCopies(payments.size(), false).toArray(Boolean[]::new);

    List<Row> rows = new ArrayList<>();
    pool.preparedQuery(PROCESS_ALL_WITH_DAILY_LIMIT)
        .execute(Tuple.of(payments.toArray(UUID[]::new), callers, admins, new BigDecimal("30.00")))
        .await().forEach(rows::add);

    assertThat(rows).extracting(r -> r.getInteger("ord")).containsExactlyElementsOf(
        java.util.stream.IntStream.rangeClosed(1, payments.size()).boxed().toList());
    Map<String, Long> reasons = rows.stream().collect(Collectors.groupingBy(r -> String.valueOf(r.getString("reason")),
        Collectors.counting()));
    assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of("null", 41L, "daily_limit_exceeded", 10L,
        "duplicate_transaction", 9L, "insufficient_funds", 10L));
    assertThat(fx.balance(rich)).isEqualTo("71.00");          // 100 - 30 + 1
    assertThat(fx.balance(poor)).isEqualTo("0.00");
    assertThat(fx.queryString("SELECT debit_total::text FROM payments.account_daily_totals WHERE account_id = ?", rich))
        .isEqualTo("30.00");
    for (UUID acc : List.of(rich, poor)) {
      long posted = fx.count("SELECT count(*) FROM payments.user_payments WHERE user_bank_account_id = ? "
          + "AND status = 'COMPLETED'", acc);
      assertThat(posted).isEqualTo(acc == rich ? 31 : 10);
      assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE account_id = ?", acc)).isEqualTo(posted);
      assertThat(fx.count("SELECT count(*) FROM payments.journal_lines WHERE account_id = ?", acc)).isEqualTo(posted + 1);
      assertThat(fx.queryString("SELECT payments.journal_balance_at(?, NULL)::text", acc)).isEqualTo(fx.balance(acc));
    }
  }

  private static final String PROCESS_ALL_REASONS = "SELECT b.ord, (b.o).reason, (b.o).payment_status "
      + "FROM payments.process_payments($1, $2, $3, 1e9, '{}'::jsonb, 1e9, 5) AS b(ord, o) ORDER BY b.ord";

  @Test
  void a_batch_waits_for_a_payment_another_transaction_holds_and_answers_what_that_one_left() {
    // payments/V26 reads the batch's payments once, after its locks: a payment held by another transaction is
    // waited for, and the batch answers it from the row that transaction left (here: cancelled meanwhile), as the
    // one-by-one path does (SPEC §6.6: a lost race is already_processed); the batch's other payments post
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "10.00");
    List<String> answers = whileHeld(u, acc, "UPDATE payments.user_payments SET status = 'CANCELLED' WHERE id = $1");
    assertThat(answers).containsExactly("posted", "posted", "already_processed CANCELLED", "posted", "posted");
    assertThat(fx.balance(acc)).isEqualTo("14.00");
  }

  @Test
  void a_payment_whose_owner_changed_while_the_batch_waited_is_not_posted() {
    // still PENDING after the wait but no longer the caller's: the batch did not lock it, and answers as
    // lock_pending_payment answers on the row it locks
    User u = fx.user();
    User other = fx.user();
    UUID acc = fx.account(u, "CHECKING", "10.00");
    List<String> answers = whileHeld(u, acc,
        "UPDATE payments.user_payments SET user_id = '" + other.id() + "' WHERE id = $1");
    assertThat(answers).containsExactly("posted", "posted", "insufficient_permissions null", "posted", "posted");
    assertThat(fx.balance(acc)).isEqualTo("14.00");
  }

  /**
   * A batch of five CREDITs of 1.00 by their owner on {@code acc}, the third held by another transaction that runs
   * {@code change} on it (its id as $1) and commits once the batch waits for it; the batch's answers, in order.
   */
  private static List<String> whileHeld(User u, UUID acc, String change) {
    String run = UUID.randomUUID().toString();
    List<UUID> payments = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      payments.add(fx.payment(u, acc, "1.00", "CREDIT", "held batch " + i + " " + run, "PENDING"));
    }
    UUID held = payments.get(2);
    UUID[] callers = Collections.nCopies(payments.size(), u.id()).toArray(UUID[]::new);
    Boolean[] admins = Collections.nCopies(payments.size(), false).toArray(Boolean[]::new);
    List<String> answers = new ArrayList<>();
    SqlConnection holder = pool.getConnection().await();
    try {
      holder.query("BEGIN").execute().await();
      holder.preparedQuery("SELECT 1 FROM payments.user_payments WHERE id = $1 FOR NO KEY UPDATE")
          .execute(Tuple.of(held)).await();
      var answer = pool.preparedQuery(PROCESS_ALL_REASONS)
          .execute(Tuple.of(payments.toArray(UUID[]::new), callers, admins));
      Poll.until("the batch waits for the held payment's lock", Duration.ofSeconds(10), () -> fx.count(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
          + "AND query LIKE '%process_payments%'") == 1);
      holder.preparedQuery(change).execute(Tuple.of(held)).await();
      holder.query("COMMIT").execute().await();
      answer.await().forEach(r -> answers.add(r.getString("reason") == null ? "posted"
          : r.getString("reason") + " " + r.getString("payment_status")));
    } finally {
      holder.close().await();
    }
    assertThat(fx.status(held)).isNotEqualTo("COMPLETED");
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE payment_id = ?", held)).isZero();
    return answers;
  }

  @Test
  void batches_over_the_same_accounts_in_opposite_orders_do_not_deadlock() {
    // 12 batches at once, each posting on both accounts — half listing A's payments first, half B's. Posting in
    // request order would lock A then B in one and B then A in another: PostgreSQL would abort one of them as a
    // deadlock. process_payments locks every account it needs first, in id order.
    User u = fx.user();
    UUID a = fx.account(u, "CHECKING", "1000.00");
    UUID b = fx.account(u, "CHECKING", "1000.00");
    String run = UUID.randomUUID().toString();
    List<List<BatchRequest>> batches = new ArrayList<>();
    for (int k = 0; k < 12; k++) {
      List<BatchRequest> batch = new ArrayList<>();
      for (UUID acc : k % 2 == 0 ? List.of(a, b) : List.of(b, a)) {
        for (int i = 0; i < 4; i++) {
          UUID p = fx.payment(u, acc, "1.00", "DEBIT", "opposite " + k + " " + acc + " " + i + " " + run, "PENDING");
          batch.add(new BatchRequest(p, u.id(), false));
        }
      }
      batches.add(batch);
    }
    Pool many = PgBuilder.pool().with(new PoolOptions().setMaxSize(12))
        .connectingTo(PgConnectOptions.fromUri(app.dbUrl)).using(app.app.vertx()).build();
    List<String> answers = new ArrayList<>();
    try {
      // the repository's statement directly: a failed statement fails here (GroupCommit would retry it request by
      // request and hide the deadlock)
      List<Future<List<Future<Payment>>>> running = batches.stream().map(batch -> posting.processAll(many, batch)).toList();
      for (Future<List<Future<Payment>>> r : running) {
        for (Future<Payment> p : r.await()) answers.add(p.await().status());
      }
    } finally {
      many.close().await();
    }
    assertThat(answers).hasSize(96).containsOnly("COMPLETED");
    assertThat(fx.balance(a)).isEqualTo("952.00");
    assertThat(fx.balance(b)).isEqualTo("952.00");
  }
}
