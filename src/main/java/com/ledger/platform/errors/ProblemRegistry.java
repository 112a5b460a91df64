package com.ledger.platform.errors;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The public problems registry (SPEC.md §2.7), generated from {@link ErrorCode}. */
public final class ProblemRegistry {
  public static final List<String> CATEGORIES = List.of("validation", "not_found", "authentication", "authorization",
      "conflict", "business_rule", "external_dependency", "system");
  public static final String LAST_UPDATED = "2026-11-25T00:00:00Z";

  private static final Map<ErrorCode, String> DESCRIPTIONS = Map.of(
      ErrorCode.INSUFFICIENT_FUNDS, "The account balance is lower than the amount of the debit. Top up the account or "
          + "lower the amount, then process the payment again; it stays PENDING until then.",
      ErrorCode.DAILY_LIMIT_EXCEEDED, "The account's completed debits of the current UTC day plus this payment exceed "
          + "the daily limit of its account type (CHECKING 1000.00, SAVINGS 500.00, CREDIT 2000.00, INVESTMENT 5000.00).",
      ErrorCode.INVALID_AMOUNT_FORMAT, "Amounts are JSON strings or numbers with at most two decimals, e.g. \"100.00\".",
      ErrorCode.ACCOUNT_NOT_FOUND, "No account (or bank login) with this id exists.");
  private static final Map<ErrorCode, JsonArray> EXAMPLES = Map.of(
      ErrorCode.INSUFFICIENT_FUNDS, new JsonArray().add(new JsonObject().put("reason", "insufficient_funds")
          .put("details", new JsonObject().put("account_balance", "50.00").put("payment_amount", "75.00")
              .put("shortfall", "25.00"))),
      ErrorCode.DAILY_LIMIT_EXCEEDED, new JsonArray().add(new JsonObject().put("reason", "daily_limit_exceeded")
          .put("details", new JsonObject().put("daily_limit", "1000.00").put("daily_spent", "950.00")
              .put("payment_amount", "100.00"))),
      ErrorCode.INVALID_AMOUNT_FORMAT, new JsonArray().add(new JsonObject().put("reason", "invalid_amount_format")
          .put("details", new JsonObject().put("field", "amount").put("value", "12.345"))),
      ErrorCode.ACCOUNT_NOT_FOUND, new JsonArray().add(new JsonObject().put("reason", "account_not_found")
          .put("details", new JsonObject().put("field", "user_bank_account_id"))));

  private ProblemRegistry() {}

  public static List<ErrorCode> entries() {
    return Arrays.stream(ErrorCode.values()).filter(c -> c.catalogued)
        .sorted(Comparator.comparing(ErrorCode::reason)).toList();
  }

  public static JsonObject entry(ErrorCode c) {
    return new JsonObject()
        .put("code", c.reason())
        .put("type", c.type())
        .put("status", c.status)
        .put("title", c.title)
        .put("category", c.category.wireName())
        .put("retryable", c.retryable())
        .put("retry_delay_ms", c.category.retryDelayMs)
        .put("max_retry_attempts", c.category.maxRetryAttempts);
  }

  public static JsonObject detailed(ErrorCode c) {
    return entry(c)
        .put("description", DESCRIPTIONS.getOrDefault(c, "The request failed with reason " + c.reason() + " ("
            + c.title.toLowerCase(java.util.Locale.ROOT) + ")."))
        .put("examples", EXAMPLES.getOrDefault(c, new JsonArray()));
  }

  public static JsonArray list() {
    JsonArray a = new JsonArray();
    entries().forEach(c -> a.add(entry(c)));
    return a;
  }

  public static JsonArray byCategory(ErrorCategory category) {
    JsonArray a = new JsonArray();
    entries().stream().filter(c -> c.category == category).forEach(c -> a.add(entry(c)));
    return a;
  }
}
