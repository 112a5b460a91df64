package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.payments.PaymentRepository.BatchRequest;
import com.ledger.platform.config.PaymentsConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.errors.LedgerException;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import com.ledger.support.TestUsers.User;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The async accept of many requests in one statement ({@link GroupCommit}, PaymentRepository.ACCEPT): every request
 * of a batch is answered exactly as it would be alone — the checks of SPEC §6.6 in order on the row as found, PENDING →
 * PROCESSING with one PaymentWorker job for each accepted one — and a request that loses a race to another
 * transaction gets the status that transaction left.
 */
class AcceptBatchTest {
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
    pool.close().await();
    app.close();
  }

  /** The answers of one statement, each as the reason of its failure or "202 <job state>". */
  static List<String> acceptAll(List<BatchRequest> requests) {
    List<Future<PaymentRepository.Accepted>> answers = posting.acceptAll(pool, requests).await();
    List<String> out = new ArrayList<>();
    for (Future<PaymentRepository.Accepted> a : answers) {
      try {
        out.add("202 " + a.await().jobState());
      } catch (LedgerException e) {
        out.add((e.code.reason() + " " + (e.details == null ? "" : e.details.getString("status", ""))).trim());
      }
    }
    return out;
  }

  @Test
  void each_request_of_a_batch_is_answered_as_alone() {
    User owner = fx.user();
    User other = fx.user();
    User admin = fx.user("admin");
    UUID acc = fx.account(owner, "CHECKING", "100.00");
    UUID mine = fx.payment(owner, acc, "1.00", "DEBIT", "batch mine", "PENDING");
    UUID adminsPick = fx.payment(owner, acc, "2.00", "DEBIT", "batch admin", "PENDING");
    UUID notYours = fx.payment(owner, acc, "3.00", "DEBIT", "batch not yours", "PENDING");
    UUID processing = fx.payment(owner, acc, "4.00", "DEBIT", "batch processing", "PROCESSING");
    UUID completed = fx.payment(owner, acc, "5.00", "DEBIT", "batch completed", "COMPLETED");
    UUID missing = UUID.randomUUID();

    List<String> answers = acceptAll(List.of(
        new BatchRequest(mine, owner.id(), false),
        new BatchRequest(missing, owner.id(), false),
        new BatchRequest(notYours, other.id(), false),
        new BatchRequest(processing, admin.id(), true),
        new BatchRequest(completed, owner.id(), false),
        new BatchRequest(adminsPick, admin.id(), true)));

    assertThat(answers).containsExactly("202 available", "payment_not_found", "insufficient_permissions",
        "already_processed PROCESSING", "insufficient_permissions", "202 available");
    assertThat(fx.status(mine)).isEqualTo("PROCESSING");
    assertThat(fx.status(adminsPick)).isEqualTo("PROCESSING");
    assertThat(fx.status(notYours)).isEqualTo("PENDING");
    for (UUID p : List.of(mine, adminsPick)) {
      // the job payments.accept_payment enqueued: same worker, queue, args, key, limits and owner
      assertThat(fx.count("""
          SELECT count(*) FROM jobs.jobs WHERE args = jsonb_build_object('payment_id', ?::text) AND worker = 'PaymentWorker'
             AND queue = 'payments' AND state = 'available' AND unique_key = ?::text AND max_attempts = 5
             AND timeout_seconds = 300 AND user_id = ? AND priority = 0 AND attempt = 0""", p, p, owner.id()))
          .isEqualTo(1);
    }
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE args ->> 'payment_id' IN (?::text, ?::text, ?::text, ?::text)",
        notYours, processing, completed, missing)).isZero();

    // one payment asked for twice in one statement: the first request wins, the other lost the race (as two single
    // accepts that both found it PENDING)
    UUID twice = fx.payment(owner, acc, "6.00", "DEBIT", "batch twice", "PENDING");
    assertThat(acceptAll(List.of(new BatchRequest(twice, other.id(), false), new BatchRequest(twice, owner.id(), false),
        new BatchRequest(twice, admin.id(), true)))).containsExactly("insufficient_permissions", "202 available",
        "already_processed PROCESSING");
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE args ->> 'payment_id' = ?::text", twice)).isEqualTo(1);

    // a second batch: the accepted ones are PROCESSING now
    assertThat(acceptAll(List.of(new BatchRequest(mine, admin.id(), true), new BatchRequest(adminsPick, owner.id(), false))))
        .containsExactly("already_processed PROCESSING", "insufficient_permissions");
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE args ->> 'payment_id' = ?::text", mine)).isEqualTo(1);
  }

  @Test
  void a_request_that_loses_a_race_gets_the_status_the_winner_left() throws Exception {
    User owner = fx.user();
    UUID acc = fx.account(owner, "CHECKING", "100.00");
    UUID raced = fx.payment(owner, acc, "1.00", "DEBIT", "raced", "PENDING");
    UUID free = fx.payment(owner, acc, "2.00", "DEBIT", "free", "PENDING");
    List<String> answers;
    try (Connection c = TestDatabase.jdbc(fx.dbUrl)) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE payments.user_payments SET status = 'CANCELLED', updated_at = now() WHERE id = ?")) {
        ps.setObject(1, raced);
        ps.executeUpdate();
      }
      // the batch sees the payment PENDING (the cancel is not committed) and waits for its row lock
      Future<List<Future<PaymentRepository.Accepted>>> running =
          posting.acceptAll(pool, List.of(new BatchRequest(free, owner.id(), false),
              new BatchRequest(raced, owner.id(), false)));
      Poll.until("the batch waits for the row lock", Duration.ofSeconds(10), () -> fx.count(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%accept_payments%'") == 1);
      c.commit();
      List<String> out = new ArrayList<>();
      for (Future<PaymentRepository.Accepted> a : running.await()) {
        try {
          out.add("202 " + a.await().jobState());
        } catch (LedgerException e) {
          out.add(e.code.reason() + " " + e.details.getString("status"));
        }
      }
      answers = out;
    }
    assertThat(answers).containsExactly("202 available", "already_processed CANCELLED");
    assertThat(fx.status(raced)).isEqualTo("CANCELLED");
    assertThat(fx.status(free)).isEqualTo("PROCESSING");
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE args ->> 'payment_id' = ?::text", raced)).isZero();
  }

  /**
   * payments/V21: the accept statement is planned once per connection. As a prepared statement its array parameters
   * made PostgreSQL plan it afresh on every execution (a custom plan, with the arrays' values in it); in
   * payments.accept_payments the plan is generic (parameters, not values), kept by PL/pgSQL for the connection.
   */
  @Test
  void the_accept_runs_a_generic_plan_kept_for_the_connection() {
    User owner = fx.user();
    UUID acc = fx.account(owner, "CHECKING", "100.00");
    List<String> plans = new ArrayList<>();
    io.vertx.sqlclient.SqlConnection conn = pool.getConnection().await();
    try {
      io.vertx.sqlclient.Transaction tx = conn.begin().await();
      io.vertx.pgclient.PgConnection.cast(conn).noticeHandler(n -> plans.add(n.getMessage()));
      for (String set : new String[] {"LOAD 'auto_explain'", "SET LOCAL auto_explain.log_min_duration = 0",
          "SET LOCAL auto_explain.log_nested_statements = on", "SET LOCAL auto_explain.log_verbose = on",
          "SET LOCAL auto_explain.log_level = 'notice'", "SET LOCAL client_min_messages = 'notice'"}) {
        conn.query(set).execute().await();
      }
      PaymentRepository repository = new PaymentRepository();
      for (int i = 0; i < 3; i++) {
        UUID p = fx.payment(owner, acc, "1.0" + i, "DEBIT", "generic plan " + i, "PENDING");
        List<PaymentRepository.Accepted> answers = repository.accept(conn,
            List.of(new BatchRequest(p, owner.id(), false), new BatchRequest(UUID.randomUUID(), owner.id(), false)),
            "PaymentWorker", "payments", 5, 300).await();
        assertThat(answers.get(0).jobId()).isNotNull();
        assertThat(answers.get(1).reason()).isEqualTo("payment_not_found");
      }
      tx.rollback().await();
    } finally {
      conn.close().await();
    }
    List<String> inner = plans.stream().filter(m -> m.contains("FROM req r LEFT JOIN payments.user_payments")).toList();
    assertThat(inner).hasSize(3);
    // a generic plan calls unnest on the function's parameters; a custom one on the arrays' literal values
    assertThat(inner).allSatisfy(plan -> assertThat(plan).contains("unnest($1)").doesNotContain("unnest('{"));
  }
}
