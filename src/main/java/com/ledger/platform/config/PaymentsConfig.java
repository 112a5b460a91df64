package com.ledger.platform.config;

import com.ledger.platform.idempotency.Idempotency;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The {@code payments} section (SPEC.md §6.2, §6.9): limits, the duplicate window, the Idempotency-Key settings
 * (banksync's bank-login requests use them too) and the ledger verify cadence.
 *
 * @param ledgerVerifyIntervalMs     {@code payments.ledger_verify_interval_ms}: how often the periodic verify runs
 *                                   (0 = never)
 * @param ledgerVerifyFullIntervalMs {@code payments.ledger_verify_full_interval_ms}: how old the last full verify may
 *                                   be before a periodic run is a full one again (0 = every periodic run is full); the
 *                                   runs in between are incremental
 */
public record PaymentsConfig(BigDecimal maxSingleTransaction, Map<String, BigDecimal> dailyLimits,
    BigDecimal defaultDailyLimit, int duplicateWindowMinutes, Idempotency.Settings idempotency,
    int ledgerVerifyIntervalMs, int ledgerVerifyFullIntervalMs) {

  /** The {@code payments} section of a configuration's JSON, alone (tests build one from a few keys). */
  public static PaymentsConfig from(JsonObject json) {
    return from(ConfigReader.root(json).child("payments"));
  }

  static PaymentsConfig from(ConfigReader p) {
    return new PaymentsConfig(p.money("max_single_transaction", "10000.00"),
        Map.of("CHECKING", p.money("checking_daily_limit", "1000.00"),
            "SAVINGS", p.money("savings_daily_limit", "500.00"),
            "CREDIT", p.money("credit_daily_limit", "2000.00"),
            "INVESTMENT", p.money("investment_daily_limit", "5000.00")),
        p.money("default_daily_limit", "1000.00"), p.integer("duplicate_window_minutes", 5, 0, 1440),
        new Idempotency.Settings(p.integer("idempotency_ttl_hours", 24, 1, 24 * 30),
            p.integer("idempotency_stale_seconds", 5, 2, 86_400)),
        p.integer("ledger_verify_interval_ms", 60_000, 0, 86_400_000),
        p.integer("ledger_verify_full_interval_ms", 3_600_000, 0, 604_800_000));
  }

  public BigDecimal dailyLimit(String accountType) {
    return dailyLimits.getOrDefault(accountType, defaultDailyLimit);
  }
}
