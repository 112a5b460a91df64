package com.ledger.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;

/**
 * The sandbox bank's deterministic data (SPEC.md §8.2), as pure functions: which credentials it accepts, the one
 * account of a login and its two transactions. Amounts are Monzo-style signed minor units (negative = debit).
 */
final class SandboxLedger {
  static final String WRONG_PASSWORD = "wrong-password";
  static final String SCOPE = "accounts:read transactions:read";

  /** Who a data call is about, from the client's context headers. */
  record LoginContext(String loginId, Instant createdAt, String bankName, String country) {}

  private SandboxLedger() {}

  static boolean acceptsPassword(String password) {
    return password != null && password.length() >= 8 && !WRONG_PASSWORD.equals(password);
  }

  static boolean acceptsRefreshToken(String refreshToken) {
    return refreshToken != null && refreshToken.length() >= 10;
  }

  static String providerUserId(String username) {
    return "sim_" + username;
  }

  /** "SIM" + the first 16 hex chars of the login id (dashes removed, upper case). */
  static String externalAccountId(String loginId) {
    String hex = loginId.replace("-", "").toUpperCase(Locale.ROOT);
    return "SIM" + hex.substring(0, Math.min(16, hex.length()));
  }

  static String currency(String country) {
    String c = country == null ? "" : country.trim().toUpperCase(Locale.ROOT);
    return switch (c) {
      case "US" -> "USD";
      case "UK", "GB" -> "GBP";
      default -> "EUR";
    };
  }

  static JsonArray accounts(LoginContext ctx) {
    return new JsonArray().add(new JsonObject()
        .put("id", externalAccountId(ctx.loginId()))
        .put("description", ctx.bankName() + " Checking")
        .put("type", "CHECKING")
        .put("currency", currency(ctx.country()))
        .put("balance", 25_000)
        .put("last_four", "4242")
        .put("closed", false)
        .put("created", ctx.createdAt().toString()));
  }

  /** The account's transactions posted at or after {@code since} (all when null); empty for a foreign account. */
  static JsonArray transactions(LoginContext ctx, String accountId, Instant since) {
    String ext = externalAccountId(ctx.loginId());
    JsonArray out = new JsonArray();
    if (!ext.equals(accountId)) return out;
    if (since != null && ctx.createdAt().isBefore(since)) return out;
    String currency = currency(ctx.country());
    String at = ctx.createdAt().toString();
    out.add(txn(ext + "T1", ext, 30_000, currency, "Opening deposit", at));
    out.add(txn(ext + "T2", ext, -5_000, currency, "Card purchase", at));
    return out;
  }

  private static JsonObject txn(String id, String account, long amount, String currency, String description, String at) {
    return new JsonObject().put("id", id).put("account_id", account).put("amount", amount).put("currency", currency)
        .put("description", description).put("created", at).put("settled", at);
  }
}
