package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.config.PaymentsConfig;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransferPolicyTest {
  static final PaymentsConfig CFG = PaymentsConfig.from(new JsonObject());
  static final TransferPolicy POLICY = new TransferPolicy(CFG);
  static final UUID OWNER = UUID.randomUUID();

  static Account account(String type, String balance, String status) {
    return new Account(UUID.randomUUID(), "USD", type, new BigDecimal(balance), "1234", "Acc", status, null, null,
        UUID.randomUUID(), OWNER, Instant.now(), Instant.now());
  }

  static Payment payment(String amount, String direction, String status) {
    return new Payment(UUID.randomUUID(), new BigDecimal(amount), direction, "Rent", "PAYMENT", status, null, null,
        UUID.randomUUID(), OWNER, Instant.now(), Instant.now(), null);
  }

  static TransferPolicy.Facts facts(Payment p, Account a, String spent, boolean dup) {
    return new TransferPolicy.Facts(OWNER.toString(), p, TransferPolicy.AccountFacts.of(a), new BigDecimal(spent), dup);
  }

  static Stream<Arguments> processCases() {
    return Stream.of(
        // name, amount, direction, account type, balance, account status, spent today, duplicate, expected reason
        Arguments.of("plain debit", "100.00", "DEBIT", "CHECKING", "100.00", "ACTIVE", "0.00", false, null),
        Arguments.of("credit needs no funds", "500.00", "CREDIT", "CHECKING", "0.00", "ACTIVE", "0.00", false, null),
        Arguments.of("inactive account first", "20000.00", "DEBIT", "CHECKING", "0.00", "INACTIVE", "999.00", true,
            "account_inactive"),
        Arguments.of("closed account", "1.00", "DEBIT", "CHECKING", "10.00", "CLOSED", "0.00", false, "account_inactive"),
        Arguments.of("over single limit before funds", "10000.01", "DEBIT", "CHECKING", "0.00", "ACTIVE", "0.00", false,
            "amount_exceeds_limit"),
        Arguments.of("single limit applies to credits", "10000.01", "CREDIT", "CHECKING", "0.00", "ACTIVE", "0.00",
            false, "amount_exceeds_limit"),
        Arguments.of("insufficient funds", "100.01", "DEBIT", "CHECKING", "100.00", "ACTIVE", "0.00", false,
            "insufficient_funds"),
        Arguments.of("funds rule on CREDIT accounts too", "5.00", "DEBIT", "CREDIT", "4.99", "ACTIVE", "0.00", false,
            "insufficient_funds"),
        Arguments.of("funds before daily limit", "2000.00", "DEBIT", "CHECKING", "10.00", "ACTIVE", "0.00", false,
            "insufficient_funds"),
        Arguments.of("checking daily limit reached exactly", "100.00", "DEBIT", "CHECKING", "5000.00", "ACTIVE",
            "900.00", false, null),
        Arguments.of("checking daily limit exceeded", "100.01", "DEBIT", "CHECKING", "5000.00", "ACTIVE", "900.00",
            false, "daily_limit_exceeded"),
        Arguments.of("savings limit 500", "501.00", "DEBIT", "SAVINGS", "5000.00", "ACTIVE", "0.00", false,
            "daily_limit_exceeded"),
        Arguments.of("credit limit 2000", "1500.00", "DEBIT", "CREDIT", "5000.00", "ACTIVE", "600.00", false,
            "daily_limit_exceeded"),
        Arguments.of("investment limit 5000", "5000.00", "DEBIT", "INVESTMENT", "9000.00", "ACTIVE", "0.00", false, null),
        Arguments.of("daily limit ignores credits", "3000.00", "CREDIT", "SAVINGS", "0.00", "ACTIVE", "999.00", false,
            null),
        Arguments.of("daily limit before duplicate", "600.00", "DEBIT", "SAVINGS", "5000.00", "ACTIVE", "0.00", true,
            "daily_limit_exceeded"),
        Arguments.of("duplicate last", "10.00", "DEBIT", "CHECKING", "100.00", "ACTIVE", "0.00", true,
            "duplicate_transaction"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("processCases")
  void process_rules_in_spec_order(String name, String amount, String direction, String type, String balance,
      String status, String spent, boolean dup, String expected) {
    Optional<LedgerException> r =
        POLICY.forProcess(facts(payment(amount, direction, "PENDING"), account(type, balance, status), spent, dup));
    assertThat(r.map(e -> e.code.reason()).orElse(null)).isEqualTo(expected);
  }

  @Test
  void insufficient_funds_carries_balance_amount_and_shortfall_as_money_strings() {
    LedgerException e = POLICY.sufficientFunds("DEBIT", new BigDecimal("40.00"), new BigDecimal("100.50")).orElseThrow();
    assertThat(e.code).isEqualTo(ErrorCode.INSUFFICIENT_FUNDS);
    assertThat(e.details).isEqualTo(new JsonObject().put("account_balance", "40.00").put("payment_amount", "100.50")
        .put("shortfall", "60.50"));
  }

  @Test
  void daily_limit_carries_limit_spent_and_amount() {
    LedgerException e = POLICY.dailyLimit("DEBIT", "SAVINGS", new BigDecimal("450.00"), new BigDecimal("60.00"))
        .orElseThrow();
    assertThat(e.details).isEqualTo(new JsonObject().put("daily_limit", "500.00").put("daily_spent", "450.00")
        .put("payment_amount", "60.00"));
  }

  static Stream<Arguments> validateCases() {
    return Stream.of(
        Arguments.of("valid", "10.00", "DEBIT", "100.00", "ACTIVE", false, null),
        Arguments.of("inactive before range", "20000.00", "DEBIT", "100.00", "INACTIVE", false, "account_inactive"),
        Arguments.of("amount range before funds", "20000.00", "DEBIT", "0.00", "ACTIVE", false, "amount_exceeds_limit"),
        Arguments.of("funds", "200.00", "DEBIT", "100.00", "ACTIVE", true, "insufficient_funds"),
        Arguments.of("daily limit", "1000.01", "DEBIT", "5000.00", "ACTIVE", false, "daily_limit_exceeded"),
        Arguments.of("duplicate", "10.00", "CREDIT", "0.00", "ACTIVE", true, "duplicate_transaction"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validateCases")
  void validate_rules_in_spec_order(String name, String amount, String direction, String balance, String status,
      boolean dup, String expected) {
    Optional<LedgerException> r = POLICY.forValidate(
        facts(payment(amount, direction, "PENDING"), account("CHECKING", balance, status), "0.00", dup));
    assertThat(r.map(e -> e.code.reason()).orElse(null)).isEqualTo(expected);
  }

  @Test
  void validate_rejects_a_foreign_account_and_tiny_amounts() {
    Account foreign = new Account(UUID.randomUUID(), "USD", "CHECKING", new BigDecimal("100.00"), null, null, "ACTIVE",
        null, null, UUID.randomUUID(), UUID.randomUUID(), null, null);
    assertThat(POLICY.forValidate(facts(payment("1.00", "DEBIT", "PENDING"), foreign, "0.00", false))
        .orElseThrow().code).isEqualTo(ErrorCode.UNAUTHORIZED_ACCESS);
    assertThat(POLICY.amountRange(new BigDecimal("0.00")).orElseThrow().code).isEqualTo(ErrorCode.AMOUNT_TOO_SMALL);
    assertThat(POLICY.amountRange(new BigDecimal("0.01"))).isEmpty();
    assertThat(POLICY.amountRange(new BigDecimal("10000.00"))).isEmpty();
  }

  @Test
  void limits_come_from_config() {
    PaymentsConfig raised = PaymentsConfig.from(new JsonObject().put("payments",
        new JsonObject().put("checking_daily_limit", "1000000.00").put("max_single_transaction", "50.00")));
    TransferPolicy p = new TransferPolicy(raised);
    assertThat(p.dailyLimit("DEBIT", "CHECKING", new BigDecimal("999000.00"), new BigDecimal("1000.00"))).isEmpty();
    assertThat(p.amountLimit(new BigDecimal("50.01")).orElseThrow().code).isEqualTo(ErrorCode.AMOUNT_EXCEEDS_LIMIT);
    assertThat(raised.dailyLimit("UNKNOWN")).isEqualByComparingTo("1000.00");
  }
}
