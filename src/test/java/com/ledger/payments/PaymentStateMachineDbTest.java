package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ledger.support.TestApp;
import com.ledger.support.TestUsers.User;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The database itself refuses what SPEC.md §6.8 forbids (the last line of defence behind the code), and the column
 * rules of SPEC.md §11 on the tables a posting writes (one CHECK per table since payments/V12: each rule still holds).
 */
class PaymentStateMachineDbTest {
  static TestApp app;
  static Fixtures fx;
  static User u;
  static UUID acc;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("roles", List.of("users")));
    fx = new Fixtures(app.app.vertx(), app.app.config(), app.dbUrl);
    u = fx.user();
    acc = fx.account(u, "CHECKING", "10.00");
  }

  /**
   * Not {@link TestApp#verifyLedgerAndClose}: this class drives the state-machine trigger with plain SQL on purpose
   * (a payment set COMPLETED by an UPDATE, never posted: no journal entry).
   */
  @AfterAll
  static void stop() {
    app.close();
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @CsvSource({
      "PENDING, PROCESSING, true", "PENDING, COMPLETED, true", "PENDING, CANCELLED, true", "PENDING, FAILED, false",
      "PROCESSING, COMPLETED, true", "PROCESSING, FAILED, true", "PROCESSING, PENDING, false",
      "PROCESSING, CANCELLED, false", "FAILED, PROCESSING, true", "FAILED, COMPLETED, false", "FAILED, PENDING, false",
      "COMPLETED, PENDING, false", "COMPLETED, PROCESSING, false", "COMPLETED, FAILED, false",
      "COMPLETED, CANCELLED, false", "CANCELLED, PENDING, false", "CANCELLED, PROCESSING, false"})
  void transitions(String from, String to, boolean allowed) {
    UUID p = fx.payment(u, acc, "1.00", "DEBIT", "sm " + UUID.randomUUID(), from);
    if (from.equals("FAILED")) fx.exec("UPDATE payments.user_payments SET failure_reason = 'x' WHERE id = ?", p);
    String sql = "UPDATE payments.user_payments SET status = ?, posted_at = COALESCE(posted_at, now()), "
        + "failure_reason = CASE WHEN ? = 'FAILED' THEN 'timeout' END WHERE id = ?";
    if (allowed) {
      fx.exec(sql, to, to, p);
      assertThat(fx.status(p)).isEqualTo(to);
    } else {
      assertThatThrownBy(() -> fx.exec(sql, to, to, p)).hasMessageContaining("cannot go from " + from + " to " + to);
      assertThat(fx.status(p)).isEqualTo(from);
    }
  }

  @ParameterizedTest(name = "{0} SET {1}: rejected {2}")
  @CsvSource(delimiter = '|', value = {
      "account | balance = -0.01 | true", "account | balance = 0 | false", "credit account | balance = -5 | false",
      "account | currency = 'usd' | true", "account | account_type = 'GOLD' | true",
      "account | last_four = '12a4' | true", "account | last_four = '1234' | false", "account | last_four = NULL | false",
      "account | account_name = '' | true", "account | account_name = NULL | false",
      "account | status = 'FROZEN' | true", "account | external_account_id = 'a-b' | true",
      "account | external_account_id = 'AB12' | false", "payment | amount = 0 | true",
      "payment | direction = 'UP' | true", "payment | payment_type = 'GIFT' | true", "payment | amount = 2 | false",
      "transaction | description = '' | true", "transaction | amount = -1 | true",
      "transaction | direction = 'UP' | true", "transaction | amount = 3 | false",
      // payments/V15 writes the enumerations as anchored regular expressions and the name length as '^.{1,100}$'
      "account | account_type = 'XCREDIT' | true", "account | status = E'ACTIVE\\n' | true",
      "account | account_name = repeat('n', 100) | false", "account | account_name = repeat('n', 101) | true",
      "payment | direction = 'DEBITS' | true", "payment | payment_type = 'payment' | true",
      "transaction | description = ' ' | false", "transaction | direction = 'credit' | true"})
  void column_rules(String row, String set, boolean rejected) {
    UUID id = switch (row) {
      case "account" -> fx.account(u, "CHECKING", "10.00");
      case "credit account" -> fx.account(u, "CREDIT", "0.00");
      case "payment" -> fx.payment(u, acc, "1.00", "DEBIT", "cr " + UUID.randomUUID(), "PENDING");
      default -> UUID.fromString(fx.queryString("INSERT INTO payments.transactions (description, amount, direction, "
          + "posted_at, account_id, user_id) VALUES ('t', 1, 'CREDIT', now(), ?, ?) RETURNING id::text", acc, u.id()));
    };
    String table = switch (row) {
      case "account", "credit account" -> "user_bank_accounts";
      case "payment" -> "user_payments";
      default -> "transactions";
    };
    String sql = "UPDATE payments." + table + " SET " + set + " WHERE id = ?";
    if (rejected) {
      assertThatThrownBy(() -> fx.exec(sql, id)).hasMessageContaining("violates check constraint");
    } else {
      fx.exec(sql, id);
    }
  }

  @org.junit.jupiter.api.Test
  void completed_needs_posted_at_and_only_failed_has_a_failure_reason() {
    assertThatThrownBy(() -> fx.exec("INSERT INTO payments.user_payments (amount, direction, description, payment_type, "
        + "status, user_bank_account_id, user_id) VALUES (1, 'DEBIT', 'x', 'PAYMENT', 'COMPLETED', ?, ?)", acc, u.id()))
        .hasMessageContaining("user_payments_completed_posted_check");
    UUID p = fx.payment(u, acc, "1.00", "DEBIT", "fr " + UUID.randomUUID(), "PENDING");
    assertThatThrownBy(() -> fx.exec("UPDATE payments.user_payments SET failure_reason = 'x' WHERE id = ?", p))
        .hasMessageContaining("user_payments_failure_reason_check");
  }
}
