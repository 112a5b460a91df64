package com.ledger.payments;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code payments.user_bank_accounts}; {@link #toJson()} is the account object of SPEC.md §2.6. */
record Account(UUID id, String currency, String accountType, BigDecimal balance, String lastFour, String accountName,
    String status, Instant lastSyncAt, String externalAccountId, UUID loginId, UUID userId, Instant insertedAt,
    Instant updatedAt) {

  static Account from(Row r) {
    return new Account(r.getUUID("id"), r.getString("currency"), r.getString("account_type"),
        r.getBigDecimal("balance"), r.getString("last_four"), r.getString("account_name"), r.getString("status"),
        Times.instant(r.getOffsetDateTime("last_sync_at")), r.getString("external_account_id"),
        r.getUUID("user_bank_login_id"), r.getUUID("user_id"), Times.instant(r.getOffsetDateTime("inserted_at")),
        Times.instant(r.getOffsetDateTime("updated_at")));
  }

  boolean ownedBy(String userId) {
    return this.userId.toString().equals(userId);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("currency", currency)
        .put("account_type", accountType)
        .put("balance", Money.format(balance))
        .put("last_four", lastFour)
        .put("account_name", accountName)
        .put("status", status)
        .put("last_sync_at", Times.format(lastSyncAt))
        .put("external_account_id", externalAccountId)
        .put("user_bank_login_id", loginId.toString())
        .put("user_id", userId.toString())
        .put("inserted_at", Times.format(insertedAt))
        .put("updated_at", Times.format(updatedAt));
  }
}
