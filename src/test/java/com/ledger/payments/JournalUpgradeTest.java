package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.db.Migrations;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's upgrade path: a database created before the journal (payments at V4) with demo-style data and real
 * postings is migrated; the backfill opens every account (balance − its COMPLETED payments) and journals every
 * COMPLETED payment, so the verify passes. And a fresh node's demo seed (SPEC §12) verifies too.
 */
class JournalUpgradeTest {

  @Test
  void the_backfill_makes_a_database_from_before_the_journal_verify() throws Exception {
    TestDatabase.upgradeFrom("payments", "4", (url, cfg) -> {
      try (Connection c = TestDatabase.jdbc(url); var st = c.createStatement()) {
        st.execute("""
            INSERT INTO users.users (id, email, full_name, role, status, password_hash)
            VALUES ('00000000-0000-0000-0000-000000000001', 'old@example.com', 'Old', 'user', 'ACTIVE', 'x');
            INSERT INTO banksync.banks (id, name, country, code)
            VALUES ('00000000-0000-0000-0000-0000000000b1', 'Old Bank', 'US', 'OLD_BANK');
            INSERT INTO banksync.bank_branches (id, name, country, bank_id)
            VALUES ('00000000-0000-0000-0000-0000000000c1', 'Main', 'US', '00000000-0000-0000-0000-0000000000b1');
            INSERT INTO banksync.user_bank_logins (id, username, user_id, bank_branch_id)
            VALUES ('00000000-0000-0000-0000-0000000000d1', 'old1', '00000000-0000-0000-0000-000000000001',
                    '00000000-0000-0000-0000-0000000000c1');
            INSERT INTO payments.user_bank_accounts (id, currency, account_type, balance, last_four, account_name,
                                                     status, user_bank_login_id, user_id)
            VALUES ('00000000-0000-0000-0000-0000000000a1', 'USD', 'CHECKING', 1500.00, '1234', 'Seeded', 'ACTIVE',
                    '00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-000000000001'),
                   ('00000000-0000-0000-0000-0000000000a2', 'EUR', 'SAVINGS', 0.00, '5678', 'Empty', 'ACTIVE',
                    '00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-000000000001');
            -- a demo-style COMPLETED payment that never moved the balance (SPEC §12)
            INSERT INTO payments.user_payments (amount, direction, description, payment_type, status, posted_at,
                                                user_bank_account_id, user_id)
            VALUES (100.00, 'DEBIT', 'Groceries', 'WITHDRAWAL', 'COMPLETED', date_trunc('second', now()),
                    '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-000000000001');
            -- two real postings through the V3 posting function, and a payment left PENDING
            INSERT INTO payments.user_payments (id, amount, direction, description, payment_type, user_bank_account_id, user_id)
            VALUES ('00000000-0000-0000-0000-0000000000e1', 25.50, 'CREDIT', 'Refund', 'PAYMENT',
                    '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-000000000001'),
                   ('00000000-0000-0000-0000-0000000000e2', 5.00, 'DEBIT', 'Coffee', 'PAYMENT',
                    '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-000000000001'),
                   ('00000000-0000-0000-0000-0000000000e3', 7.00, 'DEBIT', 'Later', 'PAYMENT',
                    '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-000000000001');
            SELECT payments.process_payment('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-000000000001',
                                            false, 10000, '{}'::jsonb, 5000, 5);
            SELECT payments.process_payment('00000000-0000-0000-0000-0000000000e2', '00000000-0000-0000-0000-000000000001',
                                            false, 10000, '{}'::jsonb, 5000, 5);
            """);
      }
      assertThat(TestDatabase.strings(url, "SELECT balance::text FROM payments.user_bank_accounts WHERE account_name = 'Seeded'"))
          .containsExactly("1520.50");
      assertThat(TestDatabase.strings(url, "SELECT to_regclass('payments.journal_entries')::text")).containsExactly((String) null);

      Migrations.migrate(cfg.db());

      assertThat(TestDatabase.strings(url, "SELECT kind FROM payments.ledger_verify()")).isEmpty();
      assertThat(TestDatabase.strings(url, """
          SELECT e.source_type || ' ' || l.amount FROM payments.journal_lines l
            JOIN payments.journal_entries e ON e.id = l.entry_id
           WHERE l.account_id = '00000000-0000-0000-0000-0000000000a1' ORDER BY l.seq""")).startsWith("opening 1600.00")
          .containsExactlyInAnyOrder("opening 1600.00", "payment 25.50", "payment -5.00", "payment -100.00");
      assertThat(TestDatabase.strings(url, "SELECT system_account FROM payments.journal_lines l JOIN payments.journal_entries e "
          + "ON e.id = l.entry_id WHERE e.source_type = 'opening' AND l.system_account IS NOT NULL"))
          .containsOnly("settlement:OLD_BANK");
      assertThat(TestDatabase.strings(url, "SELECT count(*)::text FROM payments.journal_entries WHERE source_type = 'opening'"))
          .containsExactly("2");
      // payments/V11 gave every account existing before it its chain head: its last line's seq and hash
      assertThat(TestDatabase.strings(url, """
          SELECT a.account_name || ' ' || a.journal_seq || ' ' || (a.journal_hash = l.hash)
            FROM payments.user_bank_accounts a
            JOIN payments.journal_lines l ON l.account_id = a.id AND l.seq = a.journal_seq
           ORDER BY a.account_name""")).containsExactly("Empty 1 true", "Seeded 4 true");
      // after the upgrade the posting journals itself
      try (Connection c = TestDatabase.jdbc(url); var st = c.createStatement()) {
        st.execute("SELECT payments.process_payment('00000000-0000-0000-0000-0000000000e3', "
            + "'00000000-0000-0000-0000-000000000001', false, 10000, '{}'::jsonb, 5000, 5)");
      }
      assertThat(TestDatabase.strings(url, "SELECT balance::text FROM payments.user_bank_accounts WHERE account_name = 'Seeded'"))
          .containsExactly("1513.50");
      assertThat(TestDatabase.strings(url, "SELECT journal_seq::text FROM payments.user_bank_accounts WHERE account_name = 'Seeded'"))
          .containsExactly("5");
      assertThat(TestDatabase.strings(url, "SELECT kind FROM payments.ledger_verify()")).isEmpty();
    });
  }

  @Test
  void the_demo_seed_verifies() {
    try (TestApp app = TestApp.start(Map.of("seed_demo_data", true, "roles", List.of("users")))) {
      Fixtures fx = new Fixtures(app.app.vertx(), app.app.config(), app.dbUrl);
      fx.assertLedgerVerifies();
      // Alice: 1500.00 seeded with a COMPLETED 100.00 debit that did not move it → opened at 1600.00
      assertThat(fx.queryStrings("""
          SELECT e.source_type || ' ' || l.amount FROM payments.journal_lines l
            JOIN payments.journal_entries e ON e.id = l.entry_id
            JOIN payments.user_bank_accounts a ON a.id = l.account_id
           WHERE a.account_name = 'Alice Checking' ORDER BY l.seq""")).containsExactly("opening 1600.00", "payment -100.00");
      assertThat(fx.queryStrings("SELECT balance::text FROM payments.user_bank_accounts ORDER BY account_name"))
          .containsExactly("1500.00", "2500.00");
    }
  }
}
