package com.ledger.payments;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.config.PaymentsConfig;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The business rules of SPEC.md §6.3 as pure functions over plain facts. Each rule answers empty (passes) or the
 * failure with its catalog reason and client-safe details; {@link #forProcess} and {@link #forValidate} apply them
 * in the order each route specifies, first failure wins.
 *
 * <p>The posting itself re-checks the same rules inside PostgreSQL ({@code payments.post_locked_payment}, migration
 * payments/V3), where the account row is locked; it answers the failing reason with the facts it saw, and
 * {@link Posting} words the failure with this class ({@link #forProcess} on those facts must name the same reason).
 * {@code PostingFunctionTest} runs one table of scenarios through both.
 */
final class TransferPolicy {
  private final PaymentsConfig cfg;

  TransferPolicy(PaymentsConfig cfg) {
    this.cfg = cfg;
  }

  /** The account as the rules see it: its owner, status, type and balance. */
  record AccountFacts(UUID userId, String status, String type, BigDecimal balance) {
    static AccountFacts of(Account a) {
      return new AccountFacts(a.userId(), a.status(), a.accountType(), a.balance());
    }
  }

  /**
   * Everything the rules look at. {@code spentToday}: the account's COMPLETED DEBIT payments posted on the current
   * UTC day; {@code duplicate}: another COMPLETED payment of the user with equal amount, description and direction
   * posted within the duplicate window exists.
   */
  record Facts(String callerId, Payment payment, AccountFacts account, BigDecimal spentToday, boolean duplicate) {}

  Optional<LedgerException> accountActive(AccountFacts a) {
    return "ACTIVE".equals(a.status()) ? Optional.empty()
        : fail(new LedgerException(ACCOUNT_INACTIVE, "The account is " + a.status(),
            new JsonObject().put("account_status", a.status())));
  }

  Optional<LedgerException> ownership(String callerId, AccountFacts a) {
    return a.userId().toString().equals(callerId) ? Optional.empty()
        : fail(new LedgerException(UNAUTHORIZED_ACCESS, "The account does not belong to you"));
  }

  Optional<LedgerException> amountLimit(BigDecimal amount) {
    BigDecimal max = cfg.maxSingleTransaction();
    if (amount.compareTo(max) <= 0) return Optional.empty();
    return fail(new LedgerException(AMOUNT_EXCEEDS_LIMIT, "The amount exceeds the single transaction limit of "
        + Money.format(max), new JsonObject().put("field", "amount").put("limit", Money.format(max))
        .put("payment_amount", Money.format(amount))));
  }

  /** validate only: below 0.01 → amount_too_small; above the single limit → amount_exceeds_limit. */
  Optional<LedgerException> amountRange(BigDecimal amount) {
    if (amount.compareTo(new BigDecimal("0.01")) < 0) {
      return fail(LedgerException.field(AMOUNT_TOO_SMALL, "amount", "amount must be at least 0.01"));
    }
    return amountLimit(amount);
  }

  Optional<LedgerException> description(String d) {
    if (d == null || d.isBlank()) return fail(LedgerException.field(MISSING_FIELDS, "description", "description is required"));
    if (d.codePointCount(0, d.length()) > PaymentInput.MAX_DESCRIPTION) {
      return fail(LedgerException.field(INVALID_DESCRIPTION_FORMAT, "description", "description is too long"));
    }
    return Optional.empty();
  }

  /** DEBIT only, every account type (CREDIT included): balance ≥ amount. */
  Optional<LedgerException> sufficientFunds(String direction, BigDecimal balance, BigDecimal amount) {
    if (!"DEBIT".equals(direction) || balance.compareTo(amount) >= 0) return Optional.empty();
    return fail(new LedgerException(INSUFFICIENT_FUNDS, "The account balance " + Money.format(balance)
        + " does not cover " + Money.format(amount), new JsonObject().put("account_balance", Money.format(balance))
        .put("payment_amount", Money.format(amount)).put("shortfall", Money.format(amount.subtract(balance)))));
  }

  /** DEBIT only: today's completed debits + amount ≤ the limit of the account type. */
  Optional<LedgerException> dailyLimit(String direction, String accountType, BigDecimal spentToday, BigDecimal amount) {
    if (!"DEBIT".equals(direction)) return Optional.empty();
    BigDecimal limit = cfg.dailyLimit(accountType);
    if (spentToday.add(amount).compareTo(limit) <= 0) return Optional.empty();
    return fail(new LedgerException(DAILY_LIMIT_EXCEEDED, "The daily limit of " + Money.format(limit)
        + " would be exceeded", new JsonObject().put("daily_limit", Money.format(limit))
        .put("daily_spent", Money.format(spentToday)).put("payment_amount", Money.format(amount))));
  }

  Optional<LedgerException> duplicate(boolean duplicate) {
    return duplicate ? fail(new LedgerException(DUPLICATE_TRANSACTION, "An identical payment was completed within the last "
        + cfg.duplicateWindowMinutes() + " minutes")) : Optional.empty();
  }

  /** POST /payments/{id}/process: accountActive → amountLimit → sufficientFunds → dailyLimit → duplicate. */
  Optional<LedgerException> forProcess(Facts f) {
    Payment p = f.payment();
    return first(List.of(
        () -> accountActive(f.account()),
        () -> amountLimit(p.amount()),
        () -> sufficientFunds(p.direction(), f.account().balance(), p.amount()),
        () -> dailyLimit(p.direction(), f.account().type(), f.spentToday(), p.amount()),
        () -> duplicate(f.duplicate())));
  }

  /**
   * POST /payments/validate: status PENDING, accountActive, ownership, amountRange, description, sufficientFunds,
   * dailyLimit, amountLimit, duplicate.
   */
  Optional<LedgerException> forValidate(Facts f) {
    Payment p = f.payment();
    return first(List.of(
        () -> Payment.PENDING.equals(p.status()) ? Optional.empty()
            : fail(new LedgerException(ALREADY_PROCESSED, "The payment is " + p.status())),
        () -> accountActive(f.account()),
        () -> ownership(f.callerId(), f.account()),
        () -> amountRange(p.amount()),
        () -> description(p.description()),
        () -> sufficientFunds(p.direction(), f.account().balance(), p.amount()),
        () -> dailyLimit(p.direction(), f.account().type(), f.spentToday(), p.amount()),
        () -> amountLimit(p.amount()),
        () -> duplicate(f.duplicate())));
  }

  private static Optional<LedgerException> first(List<Supplier<Optional<LedgerException>>> rules) {
    for (Supplier<Optional<LedgerException>> r : rules) {
      Optional<LedgerException> failure = r.get();
      if (failure.isPresent()) return failure;
    }
    return Optional.empty();
  }

  private static Optional<LedgerException> fail(LedgerException e) {
    return Optional.of(e);
  }
}
