package com.ledger.payments;

import com.ledger.platform.config.ConfigReader;
import com.ledger.platform.idempotency.Idempotency;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The {@code payments} section (SPEC.md §6.2, §6.9): limits, the duplicate window, and the Idempotency-Key
 * settings (read by {@link Idempotency.Settings#from}, the one reader of those keys: banksync uses them too).
 */
public record PaymentsConfig(BigDecimal maxSingleTransaction, Map<String, BigDecimal> dailyLimits,
    BigDecimal defaultDailyLimit, int duplicateWindowMinutes, Idempotency.Settings idempotency) {

  public static PaymentsConfig from(JsonObject raw) {
    ConfigReader p = ConfigReader.root(raw).child("payments");
    return new PaymentsConfig(p.money("max_single_transaction", "10000.00"),
        Map.of("CHECKING", p.money("checking_daily_limit", "1000.00"),
            "SAVINGS", p.money("savings_daily_limit", "500.00"),
            "CREDIT", p.money("credit_daily_limit", "2000.00"),
            "INVESTMENT", p.money("investment_daily_limit", "5000.00")),
        p.money("default_daily_limit", "1000.00"), p.integer("duplicate_window_minutes", 5, 0, 1440),
        Idempotency.Settings.from(raw));
  }

  public BigDecimal dailyLimit(String accountType) {
    return dailyLimits.getOrDefault(accountType, defaultDailyLimit);
  }
}
