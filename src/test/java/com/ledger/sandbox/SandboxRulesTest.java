package com.ledger.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SandboxRulesTest {
  private static final Instant CREATED = Instant.parse("2025-10-10T12:00:00Z");
  private static final SandboxLedger.LoginContext CTX =
      new SandboxLedger.LoginContext("0b6f1f8e-3c1a-4a57-9a39-2b2e6f0d9c11", CREATED, "Demo Bank", "US");

  @Test
  void credentials() {
    assertThat(SandboxLedger.acceptsPassword("bank-password-1")).isTrue();
    assertThat(SandboxLedger.acceptsPassword("12345678")).isTrue();
    assertThat(SandboxLedger.acceptsPassword("1234567")).isFalse();
    assertThat(SandboxLedger.acceptsPassword("wrong-password")).isFalse();
    assertThat(SandboxLedger.acceptsPassword(null)).isFalse();
    assertThat(SandboxLedger.acceptsRefreshToken("0123456789")).isTrue();
    assertThat(SandboxLedger.acceptsRefreshToken("012345678")).isFalse();
  }

  @Test
  void deterministic_account_and_transactions() {
    assertThat(SandboxLedger.externalAccountId(CTX.loginId())).isEqualTo("SIM0B6F1F8E3C1A4A57");
    assertThat(SandboxLedger.currency("US")).isEqualTo("USD");
    assertThat(SandboxLedger.currency("UK")).isEqualTo("GBP");
    assertThat(SandboxLedger.currency("GB")).isEqualTo("GBP");
    assertThat(SandboxLedger.currency("FR")).isEqualTo("EUR");
    JsonObject a = SandboxLedger.accounts(CTX).getJsonObject(0);
    assertThat(a.getString("description")).isEqualTo("Demo Bank Checking");
    assertThat(a.getLong("balance")).isEqualTo(25_000);
    assertThat(a.getString("last_four")).isEqualTo("4242");
    var txns = SandboxLedger.transactions(CTX, "SIM0B6F1F8E3C1A4A57", CREATED.minusSeconds(1));
    assertThat(txns).hasSize(2);
    assertThat(txns.getJsonObject(0).getString("id")).isEqualTo("SIM0B6F1F8E3C1A4A57T1");
    assertThat(txns.getJsonObject(0).getLong("amount")).isEqualTo(30_000);
    assertThat(txns.getJsonObject(1).getLong("amount")).isEqualTo(-5_000);
    assertThat(SandboxLedger.transactions(CTX, "SIM0B6F1F8E3C1A4A57", CREATED)).hasSize(2);
    assertThat(SandboxLedger.transactions(CTX, "SIM0B6F1F8E3C1A4A57", CREATED.plusSeconds(1))).isEmpty();
    assertThat(SandboxLedger.transactions(CTX, "SIMOTHER", null)).isEmpty();
  }

  @Test
  void tokens_expire_and_keep_the_owner_across_refresh() {
    var clock = Clock.fixed(CREATED, ZoneOffset.UTC);
    SandboxTokens t = new SandboxTokens(clock, 60);
    var issued = t.issue("alice");
    assertThat(issued.accessToken()).matches("sim_at_[0-9a-f]{32}");
    assertThat(issued.refreshToken()).matches("sim_rt_[0-9a-f]{32}");
    assertThat(t.validate(issued.accessToken()).username()).isEqualTo("alice");
    assertThat(t.ownerOfRefreshToken(issued.refreshToken())).isEqualTo("alice");
    assertThat(t.validate("sim_at_unknown")).isNull();
    assertThat(t.expire("bob")).isZero();
    assertThat(t.expire(null)).isEqualTo(1);
    assertThat(t.validate(issued.accessToken())).isNull();
  }

  @Test
  void faults_plan() {
    SandboxFaults f = new SandboxFaults(5, 0.0);
    assertThat(f.plan("/accounts", 0, 0.5)).isEqualTo(new SandboxFaults.Plan(5, 0, 0, null));
    f.apply(new JsonObject().put("down_for_seconds", 2), 1000);
    assertThat(f.plan("/accounts", 2999, 0.5).status()).isEqualTo(503);
    assertThat(f.plan("/accounts", 3000, 0.5).intercepts()).isFalse();
    f.apply(new JsonObject().put("rate_limit_for_seconds", 1).put("retry_after_seconds", 7), 5000);
    assertThat(f.plan("/accounts", 5010, 0.5)).isEqualTo(new SandboxFaults.Plan(0, 429, 7, "rate_limited"));
    assertThat(f.plan("/accounts", 6000, 0.5).intercepts()).isFalse();
    f.reset();
    f.apply(new JsonObject().put("slow", new JsonObject().put("path", "/transactions").put("latency_ms", 100).put("count", 1))
        .put("fail", new JsonObject().put("path", "/accounts").put("status", 500).put("count", 2)), 0);
    assertThat(f.plan("/accounts", 0, 0.5).status()).isEqualTo(500);
    assertThat(f.plan("/transactions", 0, 0.5).delayMs()).isEqualTo(105);
    assertThat(f.plan("/transactions", 0, 0.5).delayMs()).isEqualTo(5);
    assertThat(f.plan("/accounts", 0, 0.5).status()).isEqualTo(500);
    assertThat(f.plan("/accounts", 0, 0.5).intercepts()).isFalse();
    f.apply(new JsonObject().put("error_rate", 0.25), 0);
    assertThat(f.plan("/accounts", 0, 0.2).status()).isEqualTo(500);
    assertThat(f.plan("/accounts", 0, 0.3).intercepts()).isFalse();
    assertThatThrownBy(() -> f.apply(new JsonObject().put("error_rate", 2), 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> f.apply(new JsonObject().put("latency_ms", "x"), 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
