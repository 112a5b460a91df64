package com.ledger.banksync;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.json.JsonNumbers;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * POST /api/bank-logins body rules (SPEC.md §2.1, §2.6), checked in field order; the first failure wins.
 * The password is only carried to the bank: never stored, never logged ({@link #toString()} hides it).
 */
record LoginRequest(UUID branchId, String username, String password, int syncFrequency) {
  static final int DEFAULT_SYNC_FREQUENCY = 3600;
  static final int MIN_SYNC_FREQUENCY = 300;
  static final int MAX_SYNC_FREQUENCY = 86_400;
  private static final Pattern UUID_TEXT =
      Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  private static final Pattern USERNAME = Pattern.compile("^[A-Za-z0-9]{3,50}$");

  static LoginRequest parse(JsonObject body) {
    return parse(body, new JsonObject());
  }

  /** {@code numbers}: the literal text of the body's numbers (JsonLiterals); sync_frequency is judged as written. */
  static LoginRequest parse(JsonObject body, JsonObject numbers) {
    Object branch = body.getValue("bank_branch_id");
    if (branch == null || branch instanceof String s && s.isBlank()) {
      throw LedgerException.field(MISSING_FIELDS, "bank_branch_id", "bank_branch_id is required");
    }
    if (!(branch instanceof String bs) || !UUID_TEXT.matcher(bs).matches()) {
      throw LedgerException.field(INVALID_UUID_FORMAT, "bank_branch_id", "bank_branch_id must be a UUID");
    }
    Object user = body.getValue("username");
    if (user == null || user instanceof String s && s.isBlank()) {
      throw LedgerException.field(MISSING_FIELDS, "username", "username is required");
    }
    if (!(user instanceof String us) || !USERNAME.matcher(us).matches()) {
      throw LedgerException.field(INVALID_USERNAME_FORMAT, "username", "username must be 3 to 50 letters or digits");
    }
    Object pw = body.getValue("password");
    if (!(pw instanceof String ps) || ps.isEmpty() || ps.length() > 255 || ps.indexOf('\u0000') >= 0) {
      throw LedgerException.field(MISSING_FIELDS, "password",
          "password is required and must be a non-empty string of at most 255 characters");
    }
    return new LoginRequest(UUID.fromString(bs), us, ps,
        syncFrequency(body.getValue("sync_frequency"), JsonNumbers.field(body, numbers, "sync_frequency")));
  }

  /** An integer written as such ({@code 3600}, not {@code 3.6e3} or {@code 3600.0}), 300..86400. */
  private static int syncFrequency(Object v, String literal) {
    if (v == null) return DEFAULT_SYNC_FREQUENCY;
    if (v instanceof Number && JsonNumbers.isNatural(literal) && literal.length() <= 6) {
      int n = Integer.parseInt(literal);
      if (n >= MIN_SYNC_FREQUENCY && n <= MAX_SYNC_FREQUENCY) return n;
    }
    throw LedgerException.field(MISSING_FIELDS, "sync_frequency",
        "sync_frequency must be an integer between " + MIN_SYNC_FREQUENCY + " and " + MAX_SYNC_FREQUENCY + " seconds");
  }

  @Override
  public String toString() {
    return "LoginRequest[branchId=" + branchId + ", username=" + username + ", syncFrequency=" + syncFrequency + "]";
  }
}
