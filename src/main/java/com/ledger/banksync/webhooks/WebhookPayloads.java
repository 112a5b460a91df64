package com.ledger.banksync.webhooks;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.json.JsonNumbers;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Payload rules of the three webhooks (SPEC.md §9, amended by §15), as pure functions. Ids are opaque strings (old
 * senders use {@code "user_123"}); numbers are judged by their literal text ({@code numbers}, see JsonLiterals), so
 * {@code 1e400} or {@code 1.5e1} is a payload error, not a value. A failure is 400 {@code webhook_processing_failed}
 * with {@code details.message} naming the problem and {@code details.field}.
 */
public final class WebhookPayloads {
  private static final Set<String> PAYMENT_STATUSES = Set.of("pending", "completed", "failed", "cancelled");
  private static final Pattern DECIMAL_TEXT = Pattern.compile("^[+-]?\\d+(\\.\\d+)?$");
  private static final int MAX_COUNT_DIGITS = 18;

  public record PaymentStatus(String paymentId, String status, Object amount) {}

  public record BankSync(String userId, String bankId, long accountsSynced) {}

  public record Fraud(String paymentId, String severity, Object riskScore, String recommendedAction) {}

  private WebhookPayloads() {}

  public static PaymentStatus paymentStatus(JsonObject b) {
    return paymentStatus(b, new JsonObject());
  }

  public static PaymentStatus paymentStatus(JsonObject b, JsonObject numbers) {
    String paymentId = requiredString(b, "payment_id");
    String status = requiredString(b, "status").trim().toLowerCase(Locale.ROOT);
    if (!PAYMENT_STATUSES.contains(status)) fail("status", "status must be one of pending, completed, failed, cancelled");
    Object amount = requiredNumber(b, numbers, "amount");
    return new PaymentStatus(paymentId, status, amount);
  }

  public static BankSync bankSync(JsonObject b) {
    return bankSync(b, new JsonObject());
  }

  public static BankSync bankSync(JsonObject b, JsonObject numbers) {
    String userId = requiredString(b, "user_id");
    String bankId = requiredString(b, "bank_id");
    Object n = b.getValue("accounts_synced");
    if (n == null) fail("accounts_synced", "accounts_synced is required");
    String literal = JsonNumbers.field(b, numbers, "accounts_synced");
    if (!(n instanceof Number) || !JsonNumbers.isNatural(literal) || literal.length() > MAX_COUNT_DIGITS) {
      throw failure("accounts_synced", "accounts_synced must be a non-negative integer");
    }
    return new BankSync(userId, bankId, Long.parseLong(literal));
  }

  public static Fraud fraud(JsonObject b) {
    return fraud(b, new JsonObject());
  }

  public static Fraud fraud(JsonObject b, JsonObject numbers) {
    String paymentId = requiredString(b, "payment_id");
    String severity = requiredString(b, "severity");
    Object risk = requiredNumber(b, numbers, "risk_score");
    Object action = b.getValue("recommended_action");
    if (action != null && !(action instanceof String)) fail("recommended_action", "recommended_action must be a string");
    return new Fraud(paymentId, severity, risk, (String) action);
  }

  /** An id of a webhook payload as a UUID, when it is one (ids are opaque; only UUIDs can name our rows). */
  public static Optional<UUID> asUuid(String id) {
    try {
      return id.length() == 36 ? Optional.of(UUID.fromString(id)) : Optional.empty();
    } catch (IllegalArgumentException notAUuid) {
      return Optional.empty();
    }
  }

  private static String requiredString(JsonObject b, String field) {
    Object v = b.getValue(field);
    if (v == null || v instanceof String s && s.isBlank()) fail(field, field + " is required");
    if (!(v instanceof String s) || s.length() > 255 || s.indexOf('\u0000') >= 0) {
      throw failure(field, field + " must be a string of at most 255 characters");
    }
    return s;
  }

  /** A JSON number written as a plain decimal ({@code 0.92}, not {@code 9.2e-1}), or a decimal string. */
  private static Object requiredNumber(JsonObject b, JsonObject numbers, String field) {
    Object v = b.getValue(field);
    if (v == null || v instanceof String s && s.isBlank()) fail(field, field + " is required");
    if (v instanceof Number && JsonNumbers.isDecimal(JsonNumbers.field(b, numbers, field))) return v;
    if (v instanceof String s && DECIMAL_TEXT.matcher(s.trim()).matches()) return s.trim();
    throw failure(field, field + " must be a decimal number");
  }

  private static void fail(String field, String message) {
    throw failure(field, message);
  }

  private static LedgerException failure(String field, String message) {
    return new LedgerException(ErrorCode.WEBHOOK_PROCESSING_FAILED, message,
        new JsonObject().put("field", field).put("message", message));
  }
}
