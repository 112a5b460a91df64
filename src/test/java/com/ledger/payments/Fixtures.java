package com.ledger.payments;

import com.ledger.platform.config.AppConfig;
import com.ledger.support.Api;
import com.ledger.support.Db;
import com.ledger.support.TestApp;
import com.ledger.support.TestUsers;
import com.ledger.support.TestUsers.User;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Test data straight into the tables (users, a bank/branch/login per user, accounts, payments) and access tokens
 * minted with the test JWT secret, so the payments context is testable without the identity context.
 */
final class Fixtures {
  final String dbUrl;
  private final Vertx vertx;
  private final AppConfig cfg;
  private final Db db;

  Fixtures(Vertx vertx, AppConfig cfg, String dbUrl) {
    this.dbUrl = dbUrl;
    this.vertx = vertx;
    this.cfg = cfg;
    this.db = new Db(dbUrl);
  }

  User user(String role) {
    return TestUsers.insert(vertx, cfg.jwt(), dbUrl, role);
  }

  User user() {
    return user("user");
  }

  UUID account(User u, String type, String balance) {
    return account(u, type, balance, "ACTIVE");
  }

  UUID account(User u, String type, String balance, String status) {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12).toUpperCase();
    UUID bank = UUID.fromString(queryString(
        "INSERT INTO banksync.banks (name, country, code) VALUES (?, 'US', ?) RETURNING id", "Bank " + suffix, "B" + suffix));
    UUID branch = UUID.fromString(queryString(
        "INSERT INTO banksync.bank_branches (name, country, bank_id) VALUES ('Main', 'US', ?) RETURNING id", bank));
    UUID login = UUID.fromString(queryString(
        "INSERT INTO banksync.user_bank_logins (username, user_id, bank_branch_id) VALUES ('user1', ?, ?) RETURNING id",
        u.id(), branch));
    return UUID.fromString(queryString("""
        INSERT INTO payments.user_bank_accounts (currency, account_type, balance, last_four, account_name, status,
                                                 user_bank_login_id, user_id)
        VALUES ('USD', ?, ?::numeric, '1234', 'Test Account', ?, ?, ?) RETURNING id""", type, balance, status, login, u.id()));
  }

  /**
   * A payment in any status (for states the API cannot produce directly). A COMPLETED one has a real history: it is
   * inserted PENDING and posted by the posting function the route calls ({@code payments.process_payment}), so the
   * balance, the ledger row and the journal entry agree with it and the ledger still verifies. The fixture stands for
   * the past, so the route's rules that depend on configuration or timing (single and daily limits, the duplicate
   * window) are lifted for it; the account's own rules are not: it must be ACTIVE and, for a DEBIT, hold the amount
   * (open it with that much more, {@link #account}, when the test means an end balance).
   */
  UUID payment(User u, UUID account, String amount, String direction, String description, String status) {
    boolean completed = "COMPLETED".equals(status);
    UUID id = paymentRow(u, account, amount, direction, description, completed ? "PENDING" : status);
    if (completed) {
      String outcome = queryString("""
          SELECT coalesce((o).reason, (o).payment_status, ((o).payment).status)
            FROM payments.process_payment(?, ?, true, 1e13, '{}'::jsonb, 1e13, -1) AS o""", id, u.id());
      if (!"COMPLETED".equals(outcome)) {
        throw new AssertionError("fixture payment " + amount + " " + direction + " on " + account + " not posted: "
            + outcome);
      }
    }
    return id;
  }

  /**
   * A payment row written with plain SQL, in any status, with no posting: a COMPLETED one has no journal entry and
   * did not move the balance, so the ledger does not verify after it (missing_entry). Only for tests of what the
   * database does with such a write itself (its triggers).
   */
  UUID paymentRow(User u, UUID account, String amount, String direction, String description, String status) {
    return UUID.fromString(queryString("""
        INSERT INTO payments.user_payments (amount, direction, description, payment_type, status, user_bank_account_id,
                                            user_id, posted_at)
        VALUES (?::numeric, ?, ?, 'PAYMENT', ?, ?, ?, CASE WHEN ? = 'COMPLETED' THEN date_trunc('second', now()) END)
        RETURNING id""", amount, direction, description, status, account, u.id(), status));
  }

  static JsonObject body(UUID account, String amount, String direction, String description) {
    return new JsonObject().put("amount", amount).put("direction", direction).put("payment_type", "PAYMENT")
        .put("description", description).put("user_bank_account_id", account.toString());
  }

  /** POST /api/payments → the new payment's id (fails the test on anything but 201). */
  static UUID create(Api api, User u, UUID account, String amount, String direction, String description) {
    Api.Resp r = api.post("/api/payments", body(account, amount, direction, description), u.token());
    if (r.status() != 201) throw new AssertionError("create failed: " + r);
    return UUID.fromString(r.data().getString("id"));
  }

  /** A CREDIT of {@code amount} posted through the API (journaled, unlike a balance set with plain SQL). */
  static void topUp(Api api, User u, UUID account, String amount) {
    UUID p = create(api, u, account, amount, "CREDIT", "Top up " + UUID.randomUUID());
    Api.Resp r = api.post("/api/payments/" + p + "/process", null, u.token());
    if (r.status() != 200) throw new AssertionError("top-up failed: " + r.body());
  }

  static Api.Resp processAsync(Api api, User u, UUID payment) {
    return api.send("POST", "/api/payments/" + payment + "/process", null, u.token(), Map.of("Prefer", "respond-async"));
  }

  // ------------------------------------------------------------------ JDBC

  String balance(UUID account) {
    return queryString("SELECT balance::text FROM payments.user_bank_accounts WHERE id = ?", account);
  }

  String status(UUID payment) {
    return queryString("SELECT status FROM payments.user_payments WHERE id = ?", payment);
  }

  long count(String sql, Object... args) {
    return db.count(sql, args);
  }

  void exec(String sql, Object... args) {
    db.exec(sql, args);
  }

  String queryString(String sql, Object... args) {
    return db.string(sql, args);
  }

  List<String> queryStrings(String sql, Object... args) {
    return db.strings(sql, args);
  }

  /** The ledger of this class's database verifies ({@link TestApp#assertLedgerVerifies(String)}). */
  void assertLedgerVerifies() {
    TestApp.assertLedgerVerifies(dbUrl);
  }
}
