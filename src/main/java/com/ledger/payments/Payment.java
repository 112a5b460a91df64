package com.ledger.payments;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code payments.user_payments}; {@link #toJson()} is the payment object of SPEC.md §6.1. */
record Payment(UUID id, BigDecimal amount, String direction, String description, String paymentType, String status,
    Instant postedAt, String externalTransactionId, UUID accountId, UUID userId, Instant insertedAt, Instant updatedAt,
    String failureReason) {

  static final String PENDING = "PENDING";
  static final String PROCESSING = "PROCESSING";
  static final String COMPLETED = "COMPLETED";
  static final String FAILED = "FAILED";
  static final String CANCELLED = "CANCELLED";

  static Payment from(Row r) {
    return new Payment(r.getUUID("id"), r.getBigDecimal("amount"), r.getString("direction"),
        r.getString("description"), r.getString("payment_type"), r.getString("status"),
        Times.instant(r.getOffsetDateTime("posted_at")), r.getString("external_transaction_id"),
        r.getUUID("user_bank_account_id"), r.getUUID("user_id"), Times.instant(r.getOffsetDateTime("inserted_at")),
        Times.instant(r.getOffsetDateTime("updated_at")), r.getString("failure_reason"));
  }

  /** An unsaved PENDING payment for a dry run: random id, null timestamps. */
  static Payment draft(PaymentDraft d, UUID userId) {
    return new Payment(UUID.randomUUID(), d.amount(), d.direction(), d.description(), d.paymentType(), PENDING, null,
        null, d.accountId(), userId, null, null, null);
  }

  boolean ownedBy(String userId) {
    return this.userId.toString().equals(userId);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("amount", Money.format(amount))
        .put("direction", direction)
        .put("description", description)
        .put("payment_type", paymentType)
        .put("status", status)
        .put("posted_at", Times.format(postedAt))
        .put("external_transaction_id", externalTransactionId)
        .put("user_bank_account_id", accountId.toString())
        .put("user_id", userId.toString())
        .put("inserted_at", Times.format(insertedAt))
        .put("updated_at", Times.format(updatedAt))
        .put("failure_reason", failureReason);
  }
}
