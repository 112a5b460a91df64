package com.ledger.platform.db;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.security.PasswordHasher;
import com.ledger.platform.security.TokenCipher;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPEC.md §12 demo data, inserted idempotently (rows whose natural key exists are skipped) in one transaction
 * under an advisory lock, so nodes starting together never seed twice. Blocking (JDBC): run it off the event loop.
 */
public final class DemoSeed {
  private static final Logger LOG = LoggerFactory.getLogger(DemoSeed.class);
  /** A demo user of SPEC.md §12; the passwords are published, so prod seeds only when asked to. */
  public record DemoUser(String email, String fullName, String role, String password) {}

  public static final List<DemoUser> USERS = List.of(
      new DemoUser("alice@example.com", "Alice Example", "user", "password123!"),
      new DemoUser("bob@example.com", "Bob Example", "user", "password123!"),
      new DemoUser("admin@example.com", "Admin User", "admin", "admin-password-123!"),
      new DemoUser("support@example.com", "Support User", "support", "support-password-123!"));

  private final AppConfig cfg;
  private final PasswordHasher hasher;
  private final TokenCipher cipher;

  public DemoSeed(AppConfig cfg, PasswordHasher hasher, TokenCipher cipher) {
    this.cfg = cfg;
    this.hasher = hasher;
    this.cipher = cipher;
  }

  /** @return how many rows were inserted (0 on a restart). */
  public int run() {
    var o = Pools.connectOptions(cfg.db());
    String bankUrl = cfg.bank().url();
    try (Connection c = DriverManager.getConnection(Pools.jdbcUrl(o), o.getUser(), o.getPassword())) {
      c.setAutoCommit(false);
      try (var st = c.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(hashtext('ledger-demo-seed'))");
      }
      int n = 0;
      for (DemoUser u : USERS) n += user(c, u.email(), u.fullName(), u.role(), u.password());
      n += update(c, """
          INSERT INTO banksync.banks (name, country, code, logo_url, api_endpoint, status, integration_module)
          VALUES ('Demo Bank', 'US', 'DEMO_BANK_US', 'https://logo1.png', ?, 'ACTIVE', 'LedgerBankApi.Financial.Integrations.MonzoClient'),
                 ('Test Bank', 'UK', 'TEST_BANK_UK', 'https://logo2.png', ?, 'ACTIVE', 'LedgerBankApi.Financial.Integrations.MonzoClient')
          ON CONFLICT DO NOTHING""", bankUrl, bankUrl);
      n += update(c, """
          INSERT INTO banksync.bank_branches (name, iban, country, routing_number, swift_code, bank_id)
          SELECT 'Main Branch', 'US1234567890', 'US', '111000025', 'DEMOUS33XXX', id FROM banksync.banks WHERE code = 'DEMO_BANK_US'
          UNION ALL
          SELECT 'London Branch', 'GB9876543210', 'UK', '222000111', 'TESTGB2LXXX', id FROM banksync.banks WHERE code = 'TEST_BANK_UK'
          ON CONFLICT DO NOTHING""");
      n += login(c, "alice@example.com", "US1234567890", "alice123", "mock_access_token_1", "mock_refresh_token_1");
      n += login(c, "bob@example.com", "GB9876543210", "bob456", "mock_access_token_2", "mock_refresh_token_2");
      n += account(c, "alice@example.com", "alice123", "Alice Checking", "USD", "CHECKING", "1500.00", "1234");
      n += account(c, "bob@example.com", "bob456", "Bob Savings", "GBP", "SAVINGS", "2500.00", "5678");
      n += payment(c, "Alice Checking", "100.00", "DEBIT", "WITHDRAWAL", "Grocery Shopping");
      n += payment(c, "Bob Savings", "500.00", "CREDIT", "DEPOSIT", "Salary Deposit");
      n += transaction(c, "Alice Checking", "Restaurant", "45.50", "DEBIT");
      n += transaction(c, "Alice Checking", "Refund", "200.00", "CREDIT");
      n += transaction(c, "Bob Savings", "Online Shopping", "60.00", "DEBIT");
      n += transaction(c, "Bob Savings", "Bonus", "1200.00", "CREDIT");
      c.commit();
      LOG.atInfo().addKeyValue("inserted", n).log("demo data seeded");
      return n;
    } catch (SQLException e) {
      throw new IllegalStateException("demo seed failed: " + e.getMessage(), e);
    }
  }

  private int user(Connection c, String email, String name, String role, String password) throws SQLException {
    try (var ps = c.prepareStatement("SELECT 1 FROM users.users WHERE email = ?")) {
      ps.setString(1, email);
      try (var rs = ps.executeQuery()) {
        if (rs.next()) return 0;
      }
    }
    return update(c, """
        INSERT INTO users.users (email, full_name, role, status, password_hash) VALUES (?, ?, ?, 'ACTIVE', ?)
        ON CONFLICT DO NOTHING""", email, name, role, hasher.hash(password));
  }

  private int login(Connection c, String email, String iban, String username, String at, String rt) throws SQLException {
    return update(c, """
        INSERT INTO banksync.user_bank_logins (username, status, access_token, refresh_token, token_expires_at, scope,
                                               user_id, bank_branch_id)
        SELECT ?, 'ACTIVE', ?, ?, date_trunc('second', now()) + interval '1 hour', 'read write', u.id, b.id
        FROM users.users u, banksync.bank_branches b WHERE u.email = ? AND b.iban = ?
        ON CONFLICT DO NOTHING""", username, cipher.encrypt(at), cipher.encrypt(rt), email, iban);
  }

  private int account(Connection c, String email, String username, String name, String currency, String type,
      String balance, String lastFour) throws SQLException {
    return update(c, """
        INSERT INTO payments.user_bank_accounts (currency, account_type, balance, last_four, account_name, status,
                                                 user_bank_login_id, user_id)
        SELECT ?, ?, ?::numeric, ?, ?, 'ACTIVE', l.id, u.id
        FROM users.users u JOIN banksync.user_bank_logins l ON l.user_id = u.id AND l.username = ?
        WHERE u.email = ? AND NOT EXISTS (
          SELECT 1 FROM payments.user_bank_accounts a WHERE a.user_id = u.id AND a.account_name = ?)""",
        currency, type, balance, lastFour, name, username, email, name);
  }

  private int payment(Connection c, String account, String amount, String direction, String type, String description)
      throws SQLException {
    return update(c, """
        INSERT INTO payments.user_payments (amount, direction, description, payment_type, status, posted_at,
                                            user_bank_account_id, user_id)
        SELECT ?::numeric, ?, ?, ?, 'COMPLETED', date_trunc('second', now()), a.id, a.user_id
        FROM payments.user_bank_accounts a WHERE a.account_name = ? AND NOT EXISTS (
          SELECT 1 FROM payments.user_payments p WHERE p.user_id = a.user_id AND p.description = ?)""",
        amount, direction, description, type, account, description);
  }

  private int transaction(Connection c, String account, String description, String amount, String direction)
      throws SQLException {
    return update(c, """
        INSERT INTO payments.transactions (description, amount, direction, posted_at, account_id, user_id)
        SELECT ?, ?::numeric, ?, date_trunc('second', now()), a.id, a.user_id
        FROM payments.user_bank_accounts a WHERE a.account_name = ? AND NOT EXISTS (
          SELECT 1 FROM payments.transactions t WHERE t.account_id = a.id AND t.description = ?)""",
        description, amount, direction, account, description);
  }

  private static int update(Connection c, String sql, String... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) ps.setString(i + 1, args[i]);
      return ps.executeUpdate();
    }
  }

}
