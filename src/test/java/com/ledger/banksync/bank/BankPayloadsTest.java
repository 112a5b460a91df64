package com.ledger.banksync.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BankPayloadsTest {
  private static final Instant NOW = Instant.parse("2025-10-10T12:00:00Z");

  @Test
  void tokens_compute_the_expiry_and_require_an_access_token() {
    BankTokens t = BankPayloads.tokens(new JsonObject().put("access_token", "a").put("refresh_token", "r")
        .put("expires_in", 60).put("scope", "s").put("user_id", "u"), NOW);
    assertThat(t.expiresAt()).isEqualTo(NOW.plusSeconds(60));
    assertThat(t.providerUserId()).isEqualTo("u");
    assertThat(BankPayloads.tokens(new JsonObject().put("access_token", "a"), NOW).expiresAt()).isEqualTo(NOW.plusSeconds(3600));
    assertThat(t.toString()).doesNotContain("a,").doesNotContain("=r");
    assertThatThrownBy(() -> BankPayloads.tokens(new JsonObject(), NOW))
        .isInstanceOfSatisfying(LedgerException.class, e -> assertThat(e.code).isEqualTo(ErrorCode.BANK_API_ERROR));
  }

  @Test
  void accounts_map_minor_units_and_skip_what_the_ledger_cannot_store() {
    JsonObject ok = new JsonObject().put("id", "SIM0123").put("description", "Demo Checking").put("type", "checking")
        .put("currency", "usd").put("balance", 25_000).put("last_four", "4242").put("closed", false);
    var parsed = BankPayloads.accounts(new JsonObject().put("accounts", new JsonArray()
        .add(ok)
        .add(ok.copy().put("id", "bad-id"))
        .add(ok.copy().put("currency", "DOLLARS"))
        .add(ok.copy().put("balance", -100))
        .add(ok.copy().put("balance", 1.5))
        .add("not an object")
        .add(ok.copy().put("id", "SIMCREDIT").put("type", "CREDIT").put("balance", -100).put("last_four", "12"))
        .add(ok.copy().put("id", "SIMCLOSED").put("closed", true).put("type", "weird"))));
    assertThat(parsed.skipped()).isEqualTo(5);
    assertThat(parsed.items()).extracting(BankAccount::externalAccountId).containsExactly("SIM0123", "SIMCREDIT", "SIMCLOSED");
    BankAccount a = parsed.items().get(0);
    assertThat(a.balance()).isEqualByComparingTo(new BigDecimal("250.00"));
    assertThat(a.balance().scale()).isEqualTo(2);
    assertThat(a.currency()).isEqualTo("USD");
    assertThat(a.accountType()).isEqualTo("CHECKING");
    assertThat(a.status()).isEqualTo("ACTIVE");
    assertThat(parsed.items().get(1).balance()).isEqualByComparingTo("-1.00");
    assertThat(parsed.items().get(1).lastFour()).isNull();
    assertThat(parsed.items().get(2).status()).isEqualTo("CLOSED");
    assertThat(parsed.items().get(2).accountType()).isEqualTo("CHECKING");
    assertThatThrownBy(() -> BankPayloads.accounts(new JsonObject().put("accounts", "x"))).isInstanceOf(LedgerException.class);
    assertThatThrownBy(() -> BankPayloads.accounts(null)).isInstanceOf(LedgerException.class);
  }

  @Test
  void transactions_map_signed_minor_units_to_amount_and_direction() {
    JsonObject credit = new JsonObject().put("id", "T1").put("amount", 30_000).put("description", "Opening deposit")
        .put("created", "2025-10-10T12:00:00.123Z");
    var parsed = BankPayloads.transactions(new JsonObject().put("transactions", new JsonArray()
        .add(credit)
        .add(credit.copy().put("id", "T2").put("amount", -5_000).put("settled", "2025-10-11T08:00:00+02:00"))
        .add(credit.copy().put("id", "T3").put("amount", 0))
        .add(credit.copy().put("id", "T4").remove("created") == null ? credit : credit.copy().put("id", "T4").put("created", "yesterday"))
        .add(credit.copy().put("id", "T5").put("description", "   "))));
    assertThat(parsed.items()).extracting(BankTransaction::externalTransactionId).containsExactly("T1", "T2", "T5");
    assertThat(parsed.skipped()).isEqualTo(2);
    BankTransaction t1 = parsed.items().get(0);
    assertThat(t1.direction()).isEqualTo("CREDIT");
    assertThat(t1.amount()).isEqualByComparingTo("300.00");
    assertThat(t1.postedAt()).isEqualTo(Instant.parse("2025-10-10T12:00:00Z"));
    BankTransaction t2 = parsed.items().get(1);
    assertThat(t2.direction()).isEqualTo("DEBIT");
    assertThat(t2.amount()).isEqualByComparingTo("50.00");
    assertThat(t2.postedAt()).isEqualTo(Instant.parse("2025-10-11T06:00:00Z"));
    assertThat(parsed.items().get(2).description()).isEqualTo("Bank transaction");
  }
}
