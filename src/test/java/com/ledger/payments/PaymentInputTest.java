package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.json.JsonNumbers;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PaymentInputTest {
  static final String ACC = UUID.randomUUID().toString();

  static JsonObject valid() {
    return new JsonObject().put("amount", "100.00").put("direction", "debit").put("payment_type", " payment ")
        .put("description", "  Rent  ").put("user_bank_account_id", ACC);
  }

  @Test
  void normalizes_a_valid_body() {
    PaymentDraft d = PaymentInput.parse(valid());
    assertThat(d.amount()).isEqualByComparingTo("100.00");
    assertThat(d.amount().scale()).isEqualTo(2);
    assertThat(d.direction()).isEqualTo("DEBIT");
    assertThat(d.paymentType()).isEqualTo("PAYMENT");
    assertThat(d.description()).isEqualTo("Rent");
    assertThat(d.accountId()).isEqualTo(UUID.fromString(ACC));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // field, value (null = remove), expected reason
        Arguments.of("amount", null, "missing_fields"),
        Arguments.of("amount", "", "missing_fields"),
        Arguments.of("amount", "abc", "invalid_amount_format"),
        Arguments.of("amount", "1.234", "invalid_amount_format"),
        Arguments.of("amount", "1e3", "invalid_amount_format"),
        Arguments.of("amount", " 10", "invalid_amount_format"),
        Arguments.of("amount", "10.", "invalid_amount_format"),
        Arguments.of("amount", "1\u0000", "missing_fields"),
        Arguments.of("amount", 1.234, "invalid_amount_format"),
        Arguments.of("amount", "0", "negative_amount"),
        Arguments.of("amount", "-0.00", "negative_amount"),
        Arguments.of("amount", "-5.00", "negative_amount"),
        Arguments.of("amount", -5, "negative_amount"),
        Arguments.of("amount", true, "invalid_amount_format"),
        Arguments.of("direction", null, "missing_fields"),
        Arguments.of("direction", "  ", "missing_fields"),
        Arguments.of("direction", "SIDEWAYS", "invalid_direction"),
        Arguments.of("direction", "DE\u0000BIT", "missing_fields"),
        Arguments.of("payment_type", null, "missing_fields"),
        Arguments.of("payment_type", "GIFT", "invalid_payment_type"),
        Arguments.of("description", null, "missing_fields"),
        Arguments.of("description", "   ", "missing_fields"),
        Arguments.of("description", "x".repeat(256), "invalid_description_format"),
        Arguments.of("description", "a\u0000b", "invalid_description_format"),
        Arguments.of("user_bank_account_id", null, "missing_fields"),
        Arguments.of("user_bank_account_id", "not-a-uuid", "invalid_uuid_format"),
        Arguments.of("user_bank_account_id", "123e4567e89b12d3a456426614174000", "invalid_uuid_format"));
  }

  @ParameterizedTest(name = "{0}={1} -> {2}")
  @MethodSource("cases")
  void field_rules(String field, Object value, String reason) {
    JsonObject body = valid();
    if (value == null) body.remove(field);
    else body.put(field, value);
    LedgerException e = catchThrowableOfType(LedgerException.class, () -> PaymentInput.parse(body));
    assertThat(e).as("expected a failure").isNotNull();
    assertThat(e.code.reason()).isEqualTo(reason);
    assertThat(e.details.getString("field")).isEqualTo(field);
  }

  @Test
  void accepts_numbers_and_signs_within_two_decimals() {
    assertThat(PaymentInput.amount(100)).isEqualByComparingTo("100.00");
    assertThat(PaymentInput.amount(12.5)).isEqualByComparingTo("12.50");
    assertThat(PaymentInput.amount("+7.1")).isEqualByComparingTo("7.10");
    assertThat(PaymentInput.amount("9999999999999.99").toPlainString()).isEqualTo("9999999999999.99");
    assertThat(PaymentInput.description("x".repeat(255))).hasSize(255);
  }

  @Test
  void a_number_is_judged_by_its_literal_text() {
    record Case(Object value, String literal, String reason) {}
    Case[] rejected = {
        new Case(15.0, "1.5e1", "invalid_amount_format"),
        new Case(new java.math.BigDecimal("1e400"), "1e400", "invalid_amount_format"),
        new Case(0.0, "1e-400", "invalid_amount_format"),
        new Case(100.0, "1E2", "invalid_amount_format"),
        new Case(0, "-0", "negative_amount"),
        new Case(-0.0, "-0.00", "negative_amount"),
        new Case(Double.POSITIVE_INFINITY, null, "invalid_amount_format"),
        new Case(new java.math.BigInteger("-123456789012345678901234567890"), null, "negative_amount")};
    for (Case c : rejected) {
      LedgerException e = catchThrowableOfType(LedgerException.class,
          () -> PaymentInput.amount(c.value(), c.literal() != null ? c.literal() : JsonNumbers.literal(c.value(), null, "")));
      assertThat(e).as(c.toString()).isNotNull();
      assertThat(e.code.reason()).as(c.toString()).isEqualTo(c.reason());
    }
    assertThat(PaymentInput.amount(10.5, "10.50")).isEqualByComparingTo("10.50");
    assertThat(PaymentInput.amount(new java.math.BigInteger("123456789012345678901234567890")))
        .as("beyond 64 bits, as written: a limit for the policy, not a format error")
        .isEqualByComparingTo("123456789012345678901234567890");
    assertThat(catchThrowableOfType(LedgerException.class, () -> PaymentInput.amount(1, null)).code.reason())
        .as("a number without a literal cannot be judged").isEqualTo("invalid_amount_format");
  }

  @Test
  void parse_reads_the_literals_beside_the_body() {
    JsonObject body = valid().put("amount", 15.0);
    assertThat(PaymentInput.parse(body, new JsonObject()).amount()).isEqualByComparingTo("15.00");
    LedgerException e = catchThrowableOfType(LedgerException.class,
        () -> PaymentInput.parse(body, new JsonObject().put("/amount", "1.5e1")));
    assertThat(e.code.reason()).isEqualTo("invalid_amount_format");
  }

  @Test
  void the_first_failing_field_wins() {
    JsonObject body = new JsonObject().put("amount", "x").put("direction", "nope");
    assertThat(catchThrowableOfType(LedgerException.class, () -> PaymentInput.parse(body)).details.getString("field"))
        .isEqualTo("amount");
    JsonObject body2 = new JsonObject().put("amount", "1.00").put("payment_type", "nope");
    assertThat(catchThrowableOfType(LedgerException.class, () -> PaymentInput.parse(body2)).details.getString("field"))
        .isEqualTo("direction");
  }
}
