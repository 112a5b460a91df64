package com.ledger.payments;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.json.JsonNumbers;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Field rules of SPEC.md §2.1 for a payment body, checked in the order amount, direction, payment_type, description,
 * user_bank_account_id; the first failure wins. Pure.
 */
final class PaymentInput {
  static final Set<String> DIRECTIONS = Set.of("CREDIT", "DEBIT");
  static final Set<String> TYPES = Set.of("TRANSFER", "PAYMENT", "DEPOSIT", "WITHDRAWAL");
  static final Set<String> STATUSES = Set.of("PENDING", "PROCESSING", "COMPLETED", "FAILED", "CANCELLED");
  private static final Pattern AMOUNT = Pattern.compile("^[+-]?\\d+(\\.\\d{1,2})?$");
  private static final Pattern UUID_TEXT =
      Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  static final int MAX_DESCRIPTION = 255;

  private PaymentInput() {}

  static PaymentDraft parse(JsonObject body) {
    return parse(body, new JsonObject());
  }

  /** {@code numbers}: the literal text of the body's numbers (JsonLiterals), so {@code amount} is judged as written. */
  static PaymentDraft parse(JsonObject body, JsonObject numbers) {
    BigDecimal amount = amount(body.getValue("amount"), JsonNumbers.field(body, numbers, "amount"));
    String direction = enumValue(body.getValue("direction"), "direction", DIRECTIONS, INVALID_DIRECTION);
    String type = enumValue(body.getValue("payment_type"), "payment_type", TYPES, INVALID_PAYMENT_TYPE);
    String description = description(body.getValue("description"));
    UUID account = uuid(body.getValue("user_bank_account_id"), "user_bank_account_id");
    return new PaymentDraft(amount, direction, type, description, account);
  }

  static BigDecimal amount(Object v) {
    return amount(v, JsonNumbers.literal(v, null, ""));
  }

  /** {@code literal}: how a JSON number was written ({@code 1.5e1}, {@code 1e400}, {@code -0} are judged as such). */
  static BigDecimal amount(Object v, String literal) {
    String text;
    if (v == null || v instanceof String s && s.isBlank()) {
      throw LedgerException.field(MISSING_FIELDS, "amount", "amount is required");
    } else if (v instanceof String s) {
      if (s.indexOf('\0') >= 0) throw LedgerException.field(MISSING_FIELDS, "amount", "amount contains a NUL character");
      text = s;
    } else if (v instanceof Number && literal != null) {
      text = literal;
    } else {
      throw LedgerException.field(INVALID_AMOUNT_FORMAT, "amount", "amount must be a decimal string or number");
    }
    if (!AMOUNT.matcher(text).matches()) {
      throw LedgerException.field(INVALID_AMOUNT_FORMAT, "amount",
          "amount must be a decimal number with at most 2 decimals, e.g. \"100.00\"");
    }
    BigDecimal amount = new BigDecimal(text).setScale(2);
    if (amount.signum() <= 0) {
      throw LedgerException.field(NEGATIVE_AMOUNT, "amount", "amount must be greater than 0");
    }
    return amount;
  }

  static String enumValue(Object v, String field, Set<String> allowed, ErrorCode invalid) {
    if (v == null || v instanceof String s && s.isBlank()) {
      throw LedgerException.field(MISSING_FIELDS, field, field + " is required");
    }
    if (!(v instanceof String s)) throw LedgerException.field(invalid, field, field + " must be a string");
    if (s.indexOf('\0') >= 0) throw LedgerException.field(MISSING_FIELDS, field, field + " contains a NUL character");
    String n = s.trim().toUpperCase(Locale.ROOT);
    if (!allowed.contains(n)) {
      throw LedgerException.field(invalid, field, field + " must be one of " + String.join(", ", allowed.stream().sorted().toList()));
    }
    return n;
  }

  static String description(Object v) {
    if (v == null || v instanceof String s && s.isBlank()) {
      throw LedgerException.field(MISSING_FIELDS, "description", "description is required");
    }
    if (!(v instanceof String s)) {
      throw LedgerException.field(INVALID_DESCRIPTION_FORMAT, "description", "description must be a string");
    }
    if (s.indexOf('\0') >= 0 || s.codePointCount(0, s.length()) > MAX_DESCRIPTION) {
      throw LedgerException.field(INVALID_DESCRIPTION_FORMAT, "description",
          "description must be at most 255 characters without NUL");
    }
    return s.trim();
  }

  static UUID uuid(Object v, String field) {
    if (v == null || v instanceof String s && s.isBlank()) {
      throw LedgerException.field(MISSING_FIELDS, field, field + " is required");
    }
    if (!(v instanceof String s)) throw LedgerException.field(INVALID_UUID_FORMAT, field, field + " must be a UUID");
    if (s.indexOf('\0') >= 0) throw LedgerException.field(MISSING_FIELDS, field, field + " contains a NUL character");
    if (!UUID_TEXT.matcher(s).matches()) throw LedgerException.field(INVALID_UUID_FORMAT, field, field + " must be a UUID");
    return UUID.fromString(s);
  }
}
