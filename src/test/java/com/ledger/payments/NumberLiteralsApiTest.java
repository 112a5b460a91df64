package com.ledger.payments;

import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api.Resp;
import com.ledger.support.TestUsers.User;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * JSON numbers in payment bodies are judged by their literal text (SPEC.md §15): exponents, huge and tiny values,
 * {@code -0} and integers beyond 64 bits get the field's 400/422 problem, never a 500, and nothing is stored.
 */
class NumberLiteralsApiTest extends PaymentsE2E {
  record Case(String literal, int status, String reason) {}

  private static String body(String amountLiteral, UUID account) {
    return "{\"amount\": " + amountLiteral + ", \"direction\": \"DEBIT\", \"payment_type\": \"PAYMENT\", "
        + "\"description\": \"literal " + amountLiteral + "\", \"user_bank_account_id\": \"" + account + "\"}";
  }

  @Test
  void amounts_are_judged_as_written_on_create_and_validate() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "1000.00");
    List<Case> cases = List.of(
        new Case("1e400", 400, "invalid_amount_format"),
        new Case("-1e400", 400, "invalid_amount_format"),
        new Case("1e-400", 400, "invalid_amount_format"),
        new Case("1.5e1", 400, "invalid_amount_format"),
        new Case("1E2", 400, "invalid_amount_format"),
        new Case("0.1e1", 400, "invalid_amount_format"),
        new Case("10.001", 400, "invalid_amount_format"),
        new Case("-0", 422, "negative_amount"),
        new Case("-0.00", 422, "negative_amount"),
        new Case("0", 422, "negative_amount"),
        new Case("-5", 422, "negative_amount"),
        new Case("123456789012345678901234567890", 422, "amount_exceeds_limit"),
        new Case("-123456789012345678901234567890", 422, "negative_amount"));
    for (Case c : cases) {
      Resp created = api.post("/api/payments", body(c.literal(), acc), u.token());
      assertProblem(created, c.status(), c.reason(), "amount");
      if (!c.reason().equals("amount_exceeds_limit")) {
        // validate reports input problems as problems; amount_exceeds_limit is a rule it reports as valid:false
        assertProblem(api.post("/api/payments/validate", body(c.literal(), acc), u.token()), c.status(), c.reason(),
            "amount");
      }
    }
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_id = ?", u.id())).isZero();
  }

  @Test
  void plain_decimal_numbers_keep_their_value() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "1000.00");
    for (String[] c : new String[][] {{"10.50", "10.50"}, {"7", "7.00"}, {"0.01", "0.01"}, {"+3.5", "3.50"}}) {
      Resp r = api.post("/api/payments", body(c[0], acc), u.token());
      if (c[0].startsWith("+")) {
        // a leading + is not JSON: the body is malformed
        assertProblem(r, 400, "invalid_json_body");
        continue;
      }
      assertThat(r.status()).as(c[0] + " → " + r.body()).isEqualTo(201);
      assertThat(r.data().getString("amount")).isEqualTo(c[1]);
    }
  }

  @Test
  void numbers_in_string_fields_are_type_errors_of_that_field() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "1000.00");
    String base = "\"amount\": \"1.00\", \"direction\": \"DEBIT\", \"payment_type\": \"PAYMENT\", \"description\": \"x\"";
    assertProblem(api.post("/api/payments", "{" + base + ", \"user_bank_account_id\": 1e400}", u.token()), 400,
        "invalid_uuid_format", "user_bank_account_id");
    assertProblem(api.post("/api/payments", "{" + base + ", \"user_bank_account_id\": 123456789012345678901234567890}",
        u.token()), 400, "invalid_uuid_format", "user_bank_account_id");
    assertProblem(api.post("/api/payments", "{\"amount\": \"1.00\", \"direction\": -1e400, \"payment_type\": \"PAYMENT\", "
        + "\"description\": \"x\", \"user_bank_account_id\": \"" + acc + "\"}", u.token()), 400, "invalid_direction",
        "direction");
    assertProblem(api.post("/api/payments", "{\"amount\": \"1.00\", \"direction\": \"DEBIT\", \"payment_type\": \"PAYMENT\", "
        + "\"description\": 1e-400, \"user_bank_account_id\": \"" + acc + "\"}", u.token()), 400,
        "invalid_description_format", "description");
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_id = ?", u.id())).isZero();
  }
}
