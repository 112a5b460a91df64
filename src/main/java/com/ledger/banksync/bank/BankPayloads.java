package com.ledger.banksync.bank;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Pure translation of the bank's JSON (Monzo-style: {@code {"accounts": [...]}}, {@code {"transactions": [...]}},
 * signed amounts in minor units) into the ledger's vocabulary. A malformed envelope is a {@code bank_api_error};
 * a single record the ledger cannot store (bad id, currency, amount 0, …) is skipped and counted.
 */
public final class BankPayloads {
  private static final Pattern EXTERNAL_ID = Pattern.compile("^[A-Za-z0-9]{1,50}$");
  private static final Pattern CURRENCY = Pattern.compile("^[A-Z]{3}$");
  private static final Pattern LAST_FOUR = Pattern.compile("^[0-9]{4}$");
  private static final Set<String> TYPES = Set.of("CHECKING", "SAVINGS", "CREDIT", "INVESTMENT");
  private static final Set<String> STATUSES = Set.of("ACTIVE", "INACTIVE", "CLOSED");

  public record Parsed<T>(List<T> items, int skipped) {}

  private BankPayloads() {}

  /** A token endpoint answer; {@code expires_in} defaults to 3600 s. */
  public static BankTokens tokens(JsonObject body, Instant now) {
    if (body == null || !(body.getValue("access_token") instanceof String at) || at.isBlank()) {
      throw malformed("the token response has no access_token");
    }
    Object rt = body.getValue("refresh_token");
    long expiresIn = body.getValue("expires_in") instanceof Number n && n.longValue() > 0 ? n.longValue() : 3600;
    return new BankTokens(at, rt instanceof String s && !s.isBlank() ? s : null,
        Instant.ofEpochSecond(now.getEpochSecond() + expiresIn), string(body, "scope"), string(body, "user_id"));
  }

  public static Parsed<BankAccount> accounts(JsonObject body) {
    JsonArray arr = array(body, "accounts");
    List<BankAccount> out = new ArrayList<>();
    int skipped = 0;
    for (Object o : arr) {
      BankAccount a = o instanceof JsonObject j ? account(j) : null;
      if (a == null) skipped++;
      else out.add(a);
    }
    return new Parsed<>(out, skipped);
  }

  public static Parsed<BankTransaction> transactions(JsonObject body) {
    JsonArray arr = array(body, "transactions");
    List<BankTransaction> out = new ArrayList<>();
    int skipped = 0;
    for (Object o : arr) {
      BankTransaction t = o instanceof JsonObject j ? transaction(j) : null;
      if (t == null) skipped++;
      else out.add(t);
    }
    return new Parsed<>(out, skipped);
  }

  static BankAccount account(JsonObject j) {
    String id = string(j, "id");
    String currency = upper(string(j, "currency"));
    if (id == null || !EXTERNAL_ID.matcher(id).matches() || currency == null || !CURRENCY.matcher(currency).matches()) {
      return null;
    }
    String type = upper(string(j, "type"));
    if (type == null || !TYPES.contains(type)) type = "CHECKING";
    if (!(j.getValue("balance") instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) return null;
    BigDecimal balance = BigDecimal.valueOf(n.longValue(), 2);
    if (balance.signum() < 0 && !"CREDIT".equals(type)) return null;
    String name = trimTo(string(j, "description"), 100);
    String lastFour = string(j, "last_four");
    if (lastFour != null && !LAST_FOUR.matcher(lastFour).matches()) lastFour = null;
    String status = upper(string(j, "status"));
    if (status == null || !STATUSES.contains(status)) status = Boolean.TRUE.equals(j.getValue("closed")) ? "CLOSED" : "ACTIVE";
    return new BankAccount(id, name, type, currency, balance, lastFour, status);
  }

  static BankTransaction transaction(JsonObject j) {
    String id = string(j, "id");
    if (id == null || id.isBlank() || id.length() > 255) return null;
    if (!(j.getValue("amount") instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() == 0) {
      return null;
    }
    Instant posted = instant(string(j, "settled"));
    if (posted == null) posted = instant(string(j, "created"));
    if (posted == null) return null;
    String description = trimTo(string(j, "description"), 255);
    long minor = n.longValue();
    return new BankTransaction(id, description == null ? "Bank transaction" : description,
        BigDecimal.valueOf(Math.abs(minor), 2), minor > 0 ? "CREDIT" : "DEBIT", Instant.ofEpochSecond(posted.getEpochSecond()));
  }

  private static JsonArray array(JsonObject body, String key) {
    if (body == null || !(body.getValue(key) instanceof JsonArray arr)) throw malformed("the bank's answer has no " + key + " list");
    return arr;
  }

  private static LedgerException malformed(String detail) {
    return new LedgerException(ErrorCode.BANK_API_ERROR, "The bank returned an unexpected response: " + detail);
  }

  private static String string(JsonObject j, String key) {
    return j.getValue(key) instanceof String s ? s : null;
  }

  private static String upper(String s) {
    return s == null ? null : s.trim().toUpperCase(Locale.ROOT);
  }

  private static String trimTo(String s, int max) {
    if (s == null) return null;
    String t = s.replace("\u0000", "").trim();
    if (t.isEmpty()) return null;
    return t.codePointCount(0, t.length()) <= max ? t : t.substring(0, t.offsetByCodePoints(0, max));
  }

  private static Instant instant(String s) {
    if (s == null || s.isBlank()) return null;
    try {
      return java.time.OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
