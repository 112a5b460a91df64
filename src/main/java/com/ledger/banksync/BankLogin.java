package com.ledger.banksync;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A row of {@code banksync.user_bank_logins} joined with its bank. The token columns hold AES-GCM ciphertext;
 * {@link #toJson()} is the API's login object and never contains them.
 */
record BankLogin(UUID id, String username, String status, Instant lastSyncAt, int syncFrequency, String accessTokenEnc,
    String refreshTokenEnc, Instant tokenExpiresAt, String scope, String providerUserId, UUID userId, UUID branchId,
    Instant insertedAt, Instant updatedAt, String statusReason, UUID bankId, String bankName, String bankCountry,
    String apiEndpoint) {

  static final String COLUMNS = """
      l.id, l.username, l.status, l.last_sync_at, l.sync_frequency, l.access_token, l.refresh_token,
      l.token_expires_at, l.scope, l.provider_user_id, l.user_id, l.bank_branch_id, l.inserted_at, l.updated_at,
      l.status_reason, b.id AS bank_id, b.name AS bank_name, b.country AS bank_country, b.api_endpoint""";
  static final String FROM = """
      banksync.user_bank_logins l JOIN banksync.bank_branches br ON br.id = l.bank_branch_id
      JOIN banksync.banks b ON b.id = br.bank_id""";

  static BankLogin from(Row r) {
    return new BankLogin(r.getUUID("id"), r.getString("username"), r.getString("status"), instant(r, "last_sync_at"),
        r.getInteger("sync_frequency"), r.getString("access_token"), r.getString("refresh_token"),
        instant(r, "token_expires_at"), r.getString("scope"), r.getString("provider_user_id"), r.getUUID("user_id"),
        r.getUUID("bank_branch_id"), instant(r, "inserted_at"), instant(r, "updated_at"), r.getString("status_reason"),
        r.getUUID("bank_id"), r.getString("bank_name"), r.getString("bank_country"), r.getString("api_endpoint"));
  }

  /** SPEC.md §2.6 login object; tokens are never serialized. */
  JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("username", username)
        .put("status", status)
        .put("last_sync_at", ts(lastSyncAt))
        .put("sync_frequency", syncFrequency)
        .put("user_id", userId.toString())
        .put("bank_branch_id", branchId.toString())
        .put("scope", scope)
        .put("provider_user_id", providerUserId)
        .put("inserted_at", ts(insertedAt))
        .put("updated_at", ts(updatedAt));
  }

  @Override
  public String toString() {
    return "BankLogin[id=" + id + ", status=" + status + "]";
  }

  static String ts(Instant i) {
    return i == null ? null : Instant.ofEpochSecond(i.getEpochSecond()).toString();
  }

  static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }
}
