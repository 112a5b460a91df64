package com.ledger.payments;

import static com.ledger.payments.Fixtures.create;
import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.ledger.support.Api.Resp;
import com.ledger.support.Poll;
import com.ledger.support.TestDatabase;
import com.ledger.support.TestUsers.User;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The double-entry journal (issue 12, payments/V6) end to end on a real PostgreSQL: entries written with every posting
 * and opening, the database's own guards (append-only, balanced at commit, one entry per payment), point-in-time
 * balances, and the admin verify route. Tampering is in {@link JournalTamperTest} (it leaves the ledger broken).
 */
class JournalTest extends PaymentsE2E {

  @Test
  void a_posting_writes_one_balanced_chained_entry_and_verify_is_clean() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID p = create(api, u, acc, "30.00", "DEBIT", "rent");
    assertThat(api.post("/api/payments/" + p + "/process", null, u.token()).status()).isEqualTo(200);
    UUID q = create(api, u, acc, "5.25", "CREDIT", "refund");
    assertThat(api.post("/api/payments/" + q + "/process", null, u.token()).status()).isEqualTo(200);

    // opening (100.00 against the bank's settlement account), then one entry per posting against 'external'
    assertThat(fx.queryStrings("""
        SELECT e.source_type || ' ' || l.amount || ' ' || coalesce(l.system_account, 'user') || ' ' || coalesce(l.seq::text, '-')
          FROM payments.journal_entries e JOIN payments.journal_lines l ON l.entry_id = e.id
         WHERE e.id IN (SELECT entry_id FROM payments.journal_lines WHERE account_id = ?)
         ORDER BY e.id, l.line_no""", acc)).containsExactly(
        "opening 100.00 user 1", "opening -100.00 settlement:" + bankCode(acc) + " -",
        "payment -30.00 user 2", "payment 30.00 external -",
        "payment 5.25 user 3", "payment -5.25 external -");
    assertThat(fx.count("SELECT count(*) FROM payments.journal_entries WHERE source_type = 'payment' AND source_id = ?", p))
        .isEqualTo(1);
    assertThat(fx.balance(acc)).isEqualTo("75.25");
    assertThat(fx.queryString("SELECT payments.journal_balance_at(?, NULL)::text", acc)).isEqualTo("75.25");

    User admin = fx.user("admin");
    Resp r = api.get("/api/admin/ledger/verify", admin.token());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject v = r.data();
    assertThat(v.getBoolean("balanced")).isTrue();
    assertThat(v.getBoolean("chain_intact")).isTrue();
    assertThat(v.getLong("violations")).isZero();
    assertThat(v.getJsonArray("discrepancies")).isEmpty();
    assertThat(v.getLong("entries_checked")).isGreaterThanOrEqualTo(3);
    assertThat(v.getLong("accounts_checked")).isGreaterThanOrEqualTo(1);
    assertThat(r.json().getJsonObject("metadata").getString("action")).isEqualTo("verified");
  }

  @Test
  void verify_is_admin_only() {
    assertProblem(api.get("/api/admin/ledger/verify", fx.user().token()), 403, "insufficient_permissions");
    assertProblem(api.get("/api/admin/ledger/verify", fx.user("support").token()), 403, "insufficient_permissions");
    assertThat(api.get("/api/admin/ledger/verify", null).status()).isEqualTo(401);
  }

  @Test
  void journal_rows_can_be_neither_updated_nor_deleted() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "10.00");
    for (String sql : List.of(
        "UPDATE payments.journal_lines SET amount = amount + 1 WHERE account_id = ?",
        "DELETE FROM payments.journal_lines WHERE account_id = ?",
        "UPDATE payments.journal_entries SET posted_at = now() WHERE source_id = ?",
        "DELETE FROM payments.journal_entries WHERE source_id = ?")) {
      Throwable t = catchThrowable(() -> fx.exec(sql, acc));
      assertThat(t).as(sql).isNotNull();
      assertThat(t.getCause()).hasMessageContaining("append-only");
    }
    assertThat(catchThrowable(() -> fx.exec("TRUNCATE payments.journal_lines"))).isNotNull();
    assertThat(fx.count("SELECT count(*) FROM payments.journal_lines WHERE account_id = ?", acc)).isEqualTo(1);
  }

  @Test
  void an_unbalanced_entry_is_rejected_at_commit_not_before() throws SQLException {
    try (Connection c = TestDatabase.jdbc(fx.dbUrl)) {
      c.setAutoCommit(false);
      try (var st = c.createStatement()) {
        st.execute("INSERT INTO payments.journal_entries (source_type, source_id, currency, posted_at) "
            + "VALUES ('opening', gen_random_uuid(), 'USD', now())");
        // accepted inside the transaction (the check is deferred) …
        st.execute("INSERT INTO payments.journal_lines (entry_id, line_no, system_account, currency, amount, posted_at) "
            + "VALUES (currval('payments.journal_entries_id_seq'), 1, 'external', 'USD', 5.00, now())");
      }
      // … refused at commit
      Throwable t = catchThrowable(c::commit);
      assertThat(t).isInstanceOf(SQLException.class).hasMessageContaining("does not balance");
      assertThat(((SQLException) t).getSQLState()).isEqualTo("23514");
    }
    // a balanced one commits
    try (Connection c = TestDatabase.jdbc(fx.dbUrl)) {
      c.setAutoCommit(false);
      try (var st = c.createStatement()) {
        st.execute("INSERT INTO payments.journal_entries (source_type, source_id, currency, posted_at) "
            + "VALUES ('opening', gen_random_uuid(), 'USD', now())");
        st.execute("INSERT INTO payments.journal_lines (entry_id, line_no, system_account, currency, amount, posted_at) "
            + "VALUES (currval('payments.journal_entries_id_seq'), 1, 'external', 'USD', 5.00, now()), "
            + "(currval('payments.journal_entries_id_seq'), 2, 'settlement:X', 'USD', -5.00, now())");
      }
      c.commit();
    }
    // a line added later to that (committed) entry unbalances it: refused at commit too; so is an entry without lines
    String entry = fx.queryString("SELECT max(id)::text FROM payments.journal_entries");
    for (String sql : List.of(
        "INSERT INTO payments.journal_lines (entry_id, line_no, system_account, currency, amount, posted_at) "
            + "VALUES (" + entry + ", 3, 'external', 'USD', 1.00, now())",
        "INSERT INTO payments.journal_entries (source_type, source_id, currency, posted_at) "
            + "VALUES ('opening', gen_random_uuid(), 'USD', now())")) {
      try (Connection c = TestDatabase.jdbc(fx.dbUrl)) {
        c.setAutoCommit(false);
        try (var st = c.createStatement()) {
          st.execute(sql);
        }
        Throwable t = catchThrowable(c::commit);
        assertThat(t).as(sql).isInstanceOf(SQLException.class);
        assertThat(((SQLException) t).getSQLState()).isEqualTo("23514");
      }
    }
  }

  @Test
  void one_entry_per_payment() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "10.00");
    UUID p = create(api, u, acc, "1.00", "DEBIT", "once");
    assertThat(api.post("/api/payments/" + p + "/process", null, u.token()).status()).isEqualTo(200);
    Throwable t = catchThrowable(() -> fx.exec("SELECT payments.journal_write_entry('payment', ?, 'USD', now(), ?, "
        + "-1.00, 'external')", p, acc));
    assertThat(t).isNotNull();
    assertThat(t.getCause()).hasMessageContaining("journal_entries_source_index");
  }

  @Test
  void an_account_created_with_completed_payments_in_one_transaction_opens_at_balance_minus_their_effect()
      throws SQLException {
    // the demo seed's shape (SPEC §12): the seeded COMPLETED payment did not move the seeded balance
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "0.00");
    UUID login = UUID.fromString(fx.queryString("SELECT user_bank_login_id::text FROM payments.user_bank_accounts "
        + "WHERE id = ?", acc));
    UUID seeded;
    try (Connection c = TestDatabase.jdbc(fx.dbUrl)) {
      c.setAutoCommit(false);
      try (var ps = c.prepareStatement("""
          INSERT INTO payments.user_bank_accounts (currency, account_type, balance, last_four, account_name, status,
                                                   user_bank_login_id, user_id)
          VALUES ('USD', 'CHECKING', 1500.00, '1234', 'Seeded', 'ACTIVE', ?, ?) RETURNING id""")) {
        ps.setObject(1, login);
        ps.setObject(2, u.id());
        try (var rs = ps.executeQuery()) {
          rs.next();
          seeded = (UUID) rs.getObject(1);
        }
      }
      try (var ps = c.prepareStatement("""
          INSERT INTO payments.user_payments (amount, direction, description, payment_type, status, posted_at,
                                              user_bank_account_id, user_id)
          VALUES (100.00, 'DEBIT', 'Grocery Shopping', 'WITHDRAWAL', 'COMPLETED', date_trunc('second', now()), ?, ?)""")) {
        ps.setObject(1, seeded);
        ps.setObject(2, u.id());
        ps.execute();
      }
      c.commit();
    }
    assertThat(fx.queryStrings("""
        SELECT e.source_type || ' ' || l.amount FROM payments.journal_entries e
          JOIN payments.journal_lines l ON l.entry_id = e.id WHERE l.account_id = ? ORDER BY l.seq""", seeded))
        .containsExactly("opening 1600.00", "payment -100.00");
    assertThat(fx.balance(seeded)).isEqualTo("1500.00");
    fx.assertLedgerVerifies();
  }

  @Test
  void a_deleted_account_leaves_closed_history_and_verify_stays_clean() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "50.00");
    UUID p = create(api, u, acc, "20.00", "DEBIT", "before delete");
    assertThat(api.post("/api/payments/" + p + "/process", null, u.token()).status()).isEqualTo(200);
    fx.exec("DELETE FROM users.users WHERE id = ?", u.id());   // cascades to logins, accounts, payments
    assertThat(fx.count("SELECT count(*) FROM payments.user_bank_accounts WHERE id = ?", acc)).isZero();
    assertThat(fx.count("SELECT count(*) FROM payments.journal_lines WHERE account_id = ?", acc)).isEqualTo(2);
    fx.assertLedgerVerifies();
  }

  @Test
  void point_in_time_balances_match_a_replay_of_the_history() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "200.00");
    String[][] steps = {{"10.00", "DEBIT"}, {"2.50", "CREDIT"}, {"40.00", "DEBIT"}, {"7.75", "CREDIT"}};
    for (int i = 0; i < steps.length; i++) {
      // postings in distinct seconds, so each instant has its own balance (poll the clock, no fixed sleep)
      String before = fx.queryString("SELECT date_trunc('second', now())::text");
      Poll.until("the next second", Duration.ofSeconds(5),
          () -> !before.equals(fx.queryString("SELECT date_trunc('second', now())::text")));
      UUID p = create(api, u, acc, steps[i][0], steps[i][1], "step " + i);
      assertThat(api.post("/api/payments/" + p + "/process", null, u.token()).status()).isEqualTo(200);
    }
    // replay: the opening balance, then every COMPLETED payment in posted order
    List<String> history = fx.queryStrings("""
        SELECT posted_at::text || '|' || CASE WHEN direction = 'DEBIT' THEN -amount ELSE amount END
          FROM payments.user_payments WHERE user_bank_account_id = ? AND status = 'COMPLETED' ORDER BY posted_at""", acc);
    assertThat(history).hasSize(steps.length);
    BigDecimal running = new BigDecimal("200.00");
    String opened = fx.queryString("SELECT to_char(inserted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
        + "FROM payments.user_bank_accounts WHERE id = ?", acc);
    assertThat(balanceAt(u, acc, opened)).isEqualTo("200.00");
    for (String h : history) {
      String[] parts = h.split("\\|");
      running = running.add(new BigDecimal(parts[1]));
      OffsetDateTime at = OffsetDateTime.parse(parts[0].replace(' ', 'T').replaceAll("\\+00$", "Z"));
      assertThat(balanceAt(u, acc, at.toString())).as("at " + at).isEqualTo(running.toPlainString());
      // an instant just before a posting still has the previous balance
      String justBefore = at.minusNanos(1000).toString();
      assertThat(balanceAt(u, acc, justBefore)).as("before " + at)
          .isEqualTo(running.subtract(new BigDecimal(parts[1])).toPlainString());
    }
    assertThat(running.toPlainString()).isEqualTo(fx.balance(acc));
    // without at: the current balance; before the account existed: 0.00
    Resp now = api.get("/api/accounts/" + acc + "/balance", u.token());
    assertThat(now.status()).as(now.body()).isEqualTo(200);
    assertThat(now.data().getString("balance")).isEqualTo(fx.balance(acc));
    assertThat(now.data().getString("currency")).isEqualTo("USD");
    assertThat(now.data().getValue("at")).isNull();
    assertThat(balanceAt(u, acc, "2001-01-01T00:00:00Z")).isEqualTo("0.00");
    fx.assertLedgerVerifies();
  }

  @Test
  void balance_at_has_the_access_rules_of_the_account_routes() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "12.00");
    assertThat(api.get("/api/accounts/" + acc + "/balance", fx.user("admin").token()).status()).isEqualTo(200);
    assertThat(api.get("/api/accounts/" + acc + "/balance", fx.user("support").token()).status()).isEqualTo(200);
    assertProblem(api.get("/api/accounts/" + acc + "/balance", fx.user().token()), 403, "insufficient_permissions");
    assertProblem(api.get("/api/accounts/" + UUID.randomUUID() + "/balance", u.token()), 404, "account_not_found");
    assertProblem(api.get("/api/accounts/abc/balance", u.token()), 400, "invalid_uuid_format", "id");
    assertProblem(api.get("/api/accounts/" + acc + "/balance?at=yesterday", u.token()), 400, "invalid_datetime_format",
        "at");
    assertThat(api.get("/api/accounts/" + acc + "/balance", null).status()).isEqualTo(401);
  }

  private static String balanceAt(User u, UUID acc, String at) {
    Resp r = api.get("/api/accounts/" + acc + "/balance?at=" + URLEncoder.encode(at, StandardCharsets.UTF_8), u.token());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.data().getString("balance");
  }

  private static String bankCode(UUID acc) {
    return fx.queryString("""
        SELECT b.code FROM payments.user_bank_accounts a JOIN banksync.user_bank_logins l ON l.id = a.user_bank_login_id
          JOIN banksync.bank_branches br ON br.id = l.bank_branch_id JOIN banksync.banks b ON b.id = br.bank_id
         WHERE a.id = ?""", acc);
  }
}
