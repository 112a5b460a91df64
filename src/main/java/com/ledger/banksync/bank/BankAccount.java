package com.ledger.banksync.bank;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/** An account as the bank reports it, already normalised to the ledger's vocabulary. */
public record BankAccount(String externalAccountId, String accountName, String accountType, String currency,
    BigDecimal balance, String lastFour, String status) {

  public JsonObject toJson() {
    return new JsonObject().put("external_account_id", externalAccountId).put("account_name", accountName)
        .put("account_type", accountType).put("currency", currency).put("balance", balance.toPlainString())
        .put("last_four", lastFour).put("status", status);
  }
}
