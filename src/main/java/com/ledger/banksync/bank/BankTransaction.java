package com.ledger.banksync.bank;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;

/** A transaction as the bank reports it: a positive amount with a direction (CREDIT/DEBIT). */
public record BankTransaction(String externalTransactionId, String description, BigDecimal amount, String direction,
    Instant postedAt) {

  public JsonObject toJson() {
    return new JsonObject().put("external_transaction_id", externalTransactionId).put("description", description)
        .put("amount", amount.toPlainString()).put("direction", direction).put("posted_at", postedAt.toString());
  }
}
