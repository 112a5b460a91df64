package com.ledger.banksync.webhooks;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Payload rules of the three webhooks (SPEC.md §9), as pure functions. A failure is 400
 * {@code webhook_processing_failed} with {@code details.message} naming the problem and {@code details.field}.
 */
public final class WebhookPayloads {
  private static final Set<String> PAYMENT_STATUSES = Set.of("pending", "completed", "failed", "cancelled");
  private static final Pattern DECIMAL = Pattern.compile("^[+-]?\\d+(\\.\\d+)?$");
  private static final Pattern UUID_TEXT =
      Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  public record PaymentStatus(String paymentId, String status, Object amount) {}

  public record BankSync(UUID userId, UUID bankId, long accountsSynced) {}

  public record Fraud(String paymentId, String severity, Object riskScore, String recommendedAction) {}

  private WebhookPayloads() {}

  public static PaymentStatus paymentStatus(JsonObject b) {
    String paymentId = requiredString(b, "payment_id");
    String status = requiredString(b, "status").trim().toLowerCase(Locale.ROOT);
    if (!PAYMENT_STATUSES.contains(status)) fail("status", "status must be one of pending, completed, failed, cancelled");
    Object amount = requiredNumber(b, "amount");
    return new PaymentStatus(paymentId, status, amount);
  }

  public static BankSync bankSync(JsonObject b) {
    UUID userId = requiredUuid(b, "user_id");
    UUID bankId = requiredUuid(b, "bank_id");
    Object n = b.getValue("accounts_synced");
    if (n == null) fail("accounts_synced", "accounts_synced is required");
    if (!(n instanceof Number num) || num.doubleValue() != Math.rint(num.doubleValue()) || num.doubleValue() < 0) {
      throw failure("accounts_synced", "accounts_synced must be a non-negative integer");
    }
    return new BankSync(userId, bankId, num.longValue());
  }

  public static Fraud fraud(JsonObject b) {
    String paymentId = requiredString(b, "payment_id");
    String severity = requiredString(b, "severity");
    Object risk = requiredNumber(b, "risk_score");
    Object action = b.getValue("recommended_action");
    if (action != null && !(action instanceof String)) fail("recommended_action", "recommended_action must be a string");
    return new Fraud(paymentId, severity, risk, (String) action);
  }

  private static String requiredString(JsonObject b, String field) {
    Object v = b.getValue(field);
    if (v == null || v instanceof String s && s.isBlank()) fail(field, field + " is required");
    if (!(v instanceof String s) || s.length() > 255 || s.indexOf('\u0000') >= 0) {
      throw failure(field, field + " must be a string of at most 255 characters");
    }
    return s;
  }

  private static UUID requiredUuid(JsonObject b, String field) {
    String s = requiredString(b, field);
    if (!UUID_TEXT.matcher(s).matches()) fail(field, field + " must be a UUID");
    return UUID.fromString(s);
  }

  private static Object requiredNumber(JsonObject b, String field) {
    Object v = b.getValue(field);
    if (v == null || v instanceof String s && s.isBlank()) fail(field, field + " is required");
    if (v instanceof Number) return v;
    if (v instanceof String s && DECIMAL.matcher(s.trim()).matches()) return s.trim();
    throw failure(field, field + " must be a number");
  }

  private static void fail(String field, String message) {
    throw failure(field, message);
  }

  private static LedgerException failure(String field, String message) {
    return new LedgerException(ErrorCode.WEBHOOK_PROCESSING_FAILED, message,
        new JsonObject().put("field", field).put("message", message));
  }
}
