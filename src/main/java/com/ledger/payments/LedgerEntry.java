package com.ledger.payments;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code payments.transactions}; {@link #toJson()} is the transaction object of SPEC.md §2.6. */
record LedgerEntry(UUID id, String description, BigDecimal amount, String direction, Instant postedAt, UUID accountId,
    UUID userId, UUID paymentId, String externalTransactionId, Instant insertedAt, Instant updatedAt) {

  static LedgerEntry from(Row r) {
    return new LedgerEntry(r.getUUID("id"), r.getString("description"), r.getBigDecimal("amount"),
        r.getString("direction"), Times.instant(r.getOffsetDateTime("posted_at")), r.getUUID("account_id"),
        r.getUUID("user_id"), r.getUUID("payment_id"), r.getString("external_transaction_id"),
        Times.instant(r.getOffsetDateTime("inserted_at")), Times.instant(r.getOffsetDateTime("updated_at")));
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("description", description)
        .put("amount", Money.format(amount))
        .put("direction", direction)
        .put("posted_at", Times.format(postedAt))
        .put("account_id", accountId.toString())
        .put("user_id", userId.toString())
        .put("payment_id", paymentId == null ? null : paymentId.toString())
        .put("external_transaction_id", externalTransactionId)
        .put("inserted_at", Times.format(insertedAt))
        .put("updated_at", Times.format(updatedAt));
  }

  /** The keyset cursor of this row: {@code {posted_at, id}}. */
  JsonObject cursor() {
    return new JsonObject().put("posted_at", Times.format(postedAt)).put("id", id.toString());
  }
}
