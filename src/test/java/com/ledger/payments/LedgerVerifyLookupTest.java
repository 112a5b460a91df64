package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.db.Pools;
import com.ledger.support.TestApp;
import com.ledger.support.TestUsers.User;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger verify reads an entry's lines by the entry (payments/V23), so a busy account does not make it quadratic:
 * with no statistics on the journal the planner once summed each entry's lines on its account by ANDing the entry's
 * lines with every line of the account, per entry. Counted, not timed: the index entries the verify reads from
 * (account_id, seq), in the transaction that runs it (PostgreSQL's per-transaction scan counters).
 */
class LedgerVerifyLookupTest {
  static TestApp app;
  static Fixtures fx;
  static Pool pool;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("roles", List.of("users"), "payments.ledger_verify_interval_ms", 0));
    fx = new Fixtures(app.app.vertx(), app.app.config(), app.dbUrl);
    pool = Pools.shared(app.app.vertx(), app.app.config().db());
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

  @Test
  void both_verifies_read_each_account_range_once_however_busy_the_account_and_whatever_the_statistics() {
    // one busy account (400 postings) beside a quiet one
    User u = fx.user();
    UUID busy = fx.account(u, "CHECKING", "0.00");
    UUID quiet = fx.account(u, "SAVINGS", "5.00");
    String run = UUID.randomUUID().toString();
    List<UUID> ids = fx.queryStrings("""
        INSERT INTO payments.user_payments (amount, direction, description, payment_type, status, user_bank_account_id,
                                            user_id)
        SELECT 1.00, 'CREDIT', 'busy ' || g || ' ' || ?, 'PAYMENT', 'PENDING', ?, ? FROM generate_series(1, 400) g
        RETURNING id::text""", run, busy, u.id()).stream().map(UUID::fromString).toList();
    long posted = 0;
    for (var row : pool.preparedQuery("SELECT (b.o).reason "
            + "FROM payments.process_payments($1, $2, $3, 1e9, '{}'::jsonb, 1e9, 5) AS b(ord, o)")
        .execute(Tuple.of(ids.toArray(UUID[]::new), Collections.nCopies(ids.size(), u.id()).toArray(UUID[]::new),
            Collections.nCopies(ids.size(), false).toArray(Boolean[]::new))).await()) {
      if (row.getString(0) == null) posted++;
    }
    assertThat(posted).isEqualTo(400);
    assertThat(fx.balance(busy)).isEqualTo("400.00");
    long lines = fx.count("SELECT count(*) FROM payments.journal_lines WHERE account_id IS NOT NULL");
    long accounts = fx.count("SELECT count(*) FROM payments.user_bank_accounts");
    assertThat(lines).isGreaterThanOrEqualTo(401);

    // the journal as nothing has analyzed it (autovacuum off, or a journal grown since its last ANALYZE)
    fx.exec("DELETE FROM pg_statistic WHERE starelid = 'payments.journal_lines'::regclass");
    fx.exec("UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid = 'payments.journal_lines'::regclass");

    SqlConnection c = pool.getConnection().await();
    try {
      c.query("BEGIN").execute().await();
      c.query("DELETE FROM payments.ledger_verify_accounts").execute().await();    // every line is new
      long before = accountRangeReads(c);
      String report = c.query("SELECT payments.ledger_verify_incremental(10)::text").execute().await()
          .iterator().next().getString(0);
      assertThat(report).contains("\"violations\": 0").contains("\"lines_checked\": " + lines);
      long incremental = accountRangeReads(c) - before;
      long found = c.query("SELECT count(*) FROM payments.ledger_verify()").execute().await()
          .iterator().next().getLong(0);
      assertThat(found).isZero();
      long both = accountRangeReads(c) - before;
      c.query("ROLLBACK").execute().await();

      // each account's new lines once (plus the balance and head checks' pass over them), not once per entry: the
      // old plan read the busy account's 400 lines for each of its 400 entries (160,000 here)
      assertThat(incremental).isLessThanOrEqualTo(3 * lines + 2 * accounts);
      assertThat(both - incremental).isLessThanOrEqualTo(3 * lines + 2 * accounts);
    } finally {
      c.close().await();
    }
    assertThat(fx.balance(quiet)).isEqualTo("5.00");
  }

  /**
   * Index entries read from journal_lines' (account_id, seq) index so far. PostgreSQL 15 counts them per backend until
   * it reports them (at most once a second, between transactions): only differences within one transaction are its own.
   */
  private static long accountRangeReads(SqlConnection c) {
    return c.query("SELECT pg_stat_get_xact_tuples_returned('payments.journal_lines_account_seq_index'::regclass)")
        .execute().await().iterator().next().getLong(0);
  }
}
