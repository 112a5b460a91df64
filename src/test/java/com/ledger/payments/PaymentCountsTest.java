package com.ledger.payments;

import static com.ledger.payments.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.db.Migrations;
import com.ledger.platform.db.Pools;
import com.ledger.support.Api.Resp;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import com.ledger.support.TestUsers.User;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * The exact {@code total_count} of GET /api/payments (SPEC §2.5) through every write that changes a user's payments:
 * the unfiltered count comes from the per-user counters the database keeps (payments V4), a filtered one from
 * count(*); both must equal the rows, after creates, cancels, postings, cascading deletes of accounts and users,
 * concurrent creates, plain SQL writes (with rollbacks) and the migration's backfill.
 */
class PaymentCountsTest extends PaymentsE2E {

  @Test
  void total_count_follows_creates_cancels_and_postings() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    assertThat(total(u, "")).isZero();
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) ids.add(create(api, u, acc, "1.0" + i, i % 2 == 0 ? "DEBIT" : "CREDIT", "Count " + i));
    assertThat(total(u, "")).isEqualTo(5);
    assertThat(pagination(u, "?page_size=2")).isEqualTo(new JsonObject().put("page", 1).put("page_size", 2)
        .put("total_count", 5).put("total_pages", 3).put("has_next", true).put("has_prev", false));

    assertThat(api.delete("/api/payments/" + ids.get(0), u.token()).status()).isEqualTo(200);
    Resp posted = api.post("/api/payments/" + ids.get(1) + "/process", null, u.token());
    assertThat(posted.status()).as(posted.body()).isEqualTo(200);
    Resp accepted = Fixtures.processAsync(api, u, ids.get(2));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    Poll.until("async posting", Duration.ofSeconds(10), () -> "COMPLETED".equals(fx.status(ids.get(2))));

    assertThat(total(u, "")).as("a status change does not change how many payments there are").isEqualTo(5);
    assertThat(total(u, "?status=CANCELLED")).isEqualTo(1);
    assertThat(total(u, "?status=COMPLETED")).isEqualTo(2);
    assertThat(total(u, "?status=PENDING")).isEqualTo(2);
    assertThat(total(u, "?direction=CREDIT")).isEqualTo(2);
    assertThat(total(u, "?direction=DEBIT&status=PENDING")).isEqualTo(1);
    assertThat(api.get("/api/payments", u.token()).dataArray()).hasSize(5);
    assertCountersMatchRows();
  }

  @Test
  void deleting_a_bank_login_takes_its_accounts_payments_and_their_count() {
    User u = fx.user();
    UUID kept = fx.account(u, "CHECKING", "100.00");
    UUID gone = fx.account(u, "SAVINGS", "100.00");
    for (int i = 0; i < 3; i++) create(api, u, kept, "2.00", "CREDIT", "Kept " + i);
    for (int i = 0; i < 4; i++) create(api, u, gone, "2.00", "CREDIT", "Gone " + i);
    UUID goneLedger = create(api, u, gone, "3.00", "CREDIT", "Posted");
    assertThat(api.post("/api/payments/" + goneLedger + "/process", null, u.token()).status()).isEqualTo(200);
    assertThat(total(u, "")).isEqualTo(8);

    String login = fx.queryString("SELECT user_bank_login_id::text FROM payments.user_bank_accounts WHERE id = ?", gone);
    Resp deleted = api.delete("/api/bank-logins/" + login, u.token());
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);

    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_bank_account_id = ?", gone)).isZero();
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE account_id = ?", gone)).isZero();
    assertThat(total(u, "")).isEqualTo(3);
    assertThat(total(u, "?direction=CREDIT")).isEqualTo(3);
    assertCountersMatchRows();
  }

  @Test
  void deleting_a_user_cascades_and_leaves_no_counter_rows() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    for (int i = 0; i < 3; i++) create(api, u, acc, "1.00", "DEBIT", "Bye " + i);
    assertThat(fx.count("SELECT count(*) FROM payments.user_payment_counts WHERE user_id = ?", u.id())).isPositive();

    Resp deleted = api.delete("/api/users/" + u.id(), fx.user("admin").token());
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);

    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_id = ?", u.id())).isZero();
    assertThat(fx.count("SELECT count(*) FROM payments.user_payment_counts WHERE user_id = ?", u.id())).isZero();
    assertThat(fx.count("""
        SELECT count(*) FROM payments.user_payment_counts c
        WHERE NOT EXISTS (SELECT 1 FROM users.users u WHERE u.id = c.user_id)""")).isZero();
    assertCountersMatchRows();
  }

  @Test
  void concurrent_creates_of_one_user_are_all_counted() throws Exception {
    User u = fx.user();
    UUID[] accounts = {fx.account(u, "CHECKING", "100.00"), fx.account(u, "SAVINGS", "100.00")};
    int threads = 12;
    int each = 5;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        all.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < each; i++) {
            create(api, u, accounts[(thread + i) % 2], "1.00", "CREDIT", "Concurrent " + thread + "-" + i);
          }
        }, pool));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(total(u, "")).isEqualTo(threads * each);
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_id = ?", u.id())).isEqualTo(threads * each);
    assertCountersMatchRows();
  }

  @Test
  void plain_sql_writes_and_rollbacks_keep_the_counts_exact() throws Exception {
    User u = fx.user();
    User other = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID otherAcc = fx.account(other, "CHECKING", "100.00");
    String bulk = """
        INSERT INTO payments.user_payments (amount, direction, description, payment_type, user_bank_account_id, user_id)
        SELECT 1, 'DEBIT', 'bulk ' || i, 'PAYMENT', ?, ? FROM generate_series(1, ?) i""";
    int writers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        boolean rollback = w % 3 == 0;
        all.add(CompletableFuture.runAsync(() -> {
          try (Connection c = TestDatabase.jdbc(fx.dbUrl)) {
            c.setAutoCommit(false);
            for (int round = 0; round < 5; round++) {
              try (PreparedStatement ps = c.prepareStatement(bulk)) {
                ps.setObject(1, acc);
                ps.setObject(2, u.id());
                ps.setInt(3, 7);
                ps.execute();
              }
              if (rollback) c.rollback();
              else c.commit();
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertThat(total(u, "")).as("4 committing writers × 5 rounds × 7 rows").isEqualTo(140);

    fx.exec("DELETE FROM payments.user_payments WHERE user_id = ? AND description LIKE 'bulk 1%'", u.id());
    long left = fx.count("SELECT count(*) FROM payments.user_payments WHERE user_id = ?", u.id());
    assertThat(left).isLessThan(140);
    assertThat(total(u, "")).isEqualTo(left);

    fx.exec("UPDATE payments.user_payments SET user_id = ?, user_bank_account_id = ? WHERE id IN "
        + "(SELECT id FROM payments.user_payments WHERE user_id = ? LIMIT 10)", other.id(), otherAcc, u.id());
    assertThat(total(u, "")).isEqualTo(left - 10);
    assertThat(total(other, "")).isEqualTo(10);
    assertCountersMatchRows();
  }

  @Test
  void the_migration_counts_the_payments_that_exist_before_it() throws Exception {
    String db = TestDatabase.fresh();
    try {
      AppConfig cfg = TestApp.config(TestApp.settings(Map.of("db.url", db)));
      var o = Pools.connectOptions(cfg.db());
      for (String slice : Migrations.SLICES) {
        var flyway = Flyway.configure().dataSource(Pools.jdbcUrl(o), o.getUser(), o.getPassword()).schemas(slice)
            .createSchemas(true).locations("classpath:db/migration/" + slice).table("flyway_schema_history");
        if (slice.equals("payments")) flyway.target("2");
        if (slice.equals("jobs")) continue;
        flyway.load().migrate();
      }
      try (Connection c = TestDatabase.jdbc(db); var st = c.createStatement()) {
        st.execute("""
            INSERT INTO users.users (email, full_name, password_hash) SELECT 'old' || i || '@example.com', 'Old', 'x'
              FROM generate_series(1, 3) i;
            INSERT INTO banksync.banks (name, country, code) VALUES ('Old Bank', 'US', 'OLD_BANK');
            INSERT INTO banksync.bank_branches (name, country, bank_id) SELECT 'Main', 'US', id FROM banksync.banks;
            INSERT INTO banksync.user_bank_logins (username, user_id, bank_branch_id)
              SELECT 'old', u.id, b.id FROM users.users u, banksync.bank_branches b;
            INSERT INTO payments.user_bank_accounts (currency, account_type, user_bank_login_id, user_id)
              SELECT 'USD', 'CHECKING', id, user_id FROM banksync.user_bank_logins;
            INSERT INTO payments.user_payments (amount, direction, payment_type, user_bank_account_id, user_id)
              SELECT 1, 'DEBIT', 'PAYMENT', a.id, a.user_id FROM payments.user_bank_accounts a, users.users u,
                     generate_series(1, 4) i
              WHERE u.id = a.user_id AND i <= substring(u.email FROM 'old([0-9])')::int + 1""");
      }
      Migrations.migrate(cfg.db());
      try (Connection c = TestDatabase.jdbc(db); var st = c.createStatement(); ResultSet rs = st.executeQuery("""
          SELECT u.email, (SELECT count(*) FROM payments.user_payments p WHERE p.user_id = u.id),
                 (SELECT COALESCE(sum(n), 0) FROM payments.user_payment_counts c WHERE c.user_id = u.id)
          FROM users.users u ORDER BY u.email""")) {
        List<String> rows = new ArrayList<>();
        while (rs.next()) rows.add(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getLong(3));
        assertThat(rows).containsExactly("old1@example.com 2 2", "old2@example.com 3 3", "old3@example.com 4 4");
      }
    } finally {
      TestDatabase.drop(db);
    }
  }

  // ------------------------------------------------------------------ helpers

  private static long total(User u, String query) {
    return pagination(u, query).getLong("total_count");
  }

  private static JsonObject pagination(User u, String query) {
    Resp r = api.get("/api/payments" + query, u.token());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().getJsonObject("metadata").getJsonObject("pagination");
  }

  /** Every user's counter rows sum to its payment rows (users without either are equal at 0). */
  private static void assertCountersMatchRows() {
    assertThat(fx.queryStrings("""
        SELECT u.id::text FROM users.users u
        WHERE (SELECT count(*) FROM payments.user_payments p WHERE p.user_id = u.id)
           <> (SELECT COALESCE(sum(n), 0) FROM payments.user_payment_counts c WHERE c.user_id = u.id)""")).isEmpty();
  }
}
