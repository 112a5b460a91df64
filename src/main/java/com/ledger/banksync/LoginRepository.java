package com.ledger.banksync;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of {@code banksync.user_bank_logins}. Stateless; takes the client so it works inside a transaction too. */
final class LoginRepository {

  /** A branch with its bank, and whether the user already has a login with this username there. */
  record Branch(UUID id, UUID bankId, String bankName, String bankCountry, String bankStatus, String apiEndpoint,
      boolean loginExists) {}

  /** One round trip for the checks before the bank call of POST /bank-logins; null when the branch is unknown. */
  Future<Branch> findBranch(SqlClient db, UUID branchId, UUID userId, String username) {
    return db.preparedQuery("""
        SELECT br.id, b.id AS bank_id, b.name, b.country, b.status, b.api_endpoint,
               EXISTS (SELECT 1 FROM banksync.user_bank_logins l
                       WHERE l.user_id = $2 AND l.bank_branch_id = br.id AND l.username = $3) AS login_exists
        FROM banksync.bank_branches br JOIN banksync.banks b ON b.id = br.bank_id WHERE br.id = $1""")
        .execute(Tuple.of(branchId, userId, username))
        .map(rows -> {
          if (rows.size() == 0) return null;
          Row r = rows.iterator().next();
          return new Branch(r.getUUID("id"), r.getUUID("bank_id"), r.getString("name"), r.getString("country"),
              r.getString("status"), r.getString("api_endpoint"), r.getBoolean("login_exists"));
        });
  }

  Future<BankLogin> insert(SqlClient db, UUID userId, UUID branchId, String username, int syncFrequency,
      String accessTokenEnc, String refreshTokenEnc, Instant expiresAt, String scope, String providerUserId) {
    return db.preparedQuery("""
        INSERT INTO banksync.user_bank_logins (username, status, sync_frequency, access_token, refresh_token,
            token_expires_at, scope, provider_user_id, user_id, bank_branch_id, inserted_at, updated_at)
        VALUES ($1, 'ACTIVE', $2, $3, $4, $5, $6, $7, $8, $9, date_trunc('second', now()), date_trunc('second', now()))
        RETURNING id""")
        .execute(Tuple.from(new Object[] {username, syncFrequency, accessTokenEnc, refreshTokenEnc, odt(expiresAt),
            scope, providerUserId, userId, branchId}))
        .compose(rows -> find(db, rows.iterator().next().getUUID("id")));
  }

  Future<BankLogin> find(SqlClient db, UUID id) {
    return db.preparedQuery("SELECT " + BankLogin.COLUMNS + " FROM " + BankLogin.FROM + " WHERE l.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : BankLogin.from(rows.iterator().next()));
  }

  Future<List<BankLogin>> listByUser(SqlClient db, UUID userId) {
    return db.preparedQuery("SELECT " + BankLogin.COLUMNS + " FROM " + BankLogin.FROM
        + " WHERE l.user_id = $1 ORDER BY l.inserted_at ASC, l.id ASC")
        .execute(Tuple.of(userId)).map(LoginRepository::all);
  }

  /** The user's logins at branches of this bank, except INACTIVE ones (bank-sync webhook). */
  Future<List<BankLogin>> listByUserAndBank(SqlClient db, UUID userId, UUID bankId) {
    return db.preparedQuery("SELECT " + BankLogin.COLUMNS + " FROM " + BankLogin.FROM
        + " WHERE l.user_id = $1 AND b.id = $2 AND l.status <> 'INACTIVE' ORDER BY l.inserted_at ASC, l.id ASC")
        .execute(Tuple.of(userId, bankId)).map(LoginRepository::all);
  }

  /**
   * ACTIVE logins whose next periodic sync is due: (last sync, or creation) + sync_frequency ≤ now, and not scheduled
   * by the periodic scheduler within the last sync_frequency (so a failing login is retried once per period).
   */
  Future<List<BankLogin>> dueForSync(SqlClient db, int limit) {
    return dueForSync(db, limit, 60);
  }

  /**
   * As above, plus logins whose last sync failed (its job went dead): retried {@code failedRetrySeconds} ×
   * 2^(failures − 1) after the failure (capped at sync_frequency), once per failure.
   */
  Future<List<BankLogin>> dueForSync(SqlClient db, int limit, int failedRetrySeconds) {
    return db.preparedQuery("SELECT " + BankLogin.COLUMNS + " FROM " + BankLogin.FROM + "\n" + """
         WHERE l.status = 'ACTIVE'
           AND ((coalesce(l.last_sync_at, l.inserted_at) + make_interval(secs => l.sync_frequency) <= now()
                 AND (l.last_scheduled_at IS NULL
                      OR l.last_scheduled_at + make_interval(secs => l.sync_frequency) <= now()))
             OR (l.sync_failures > 0
                 AND l.last_sync_failed_at + make_interval(secs => least(l.sync_frequency::double precision,
                       $2::double precision * power(2, least(l.sync_failures, 20) - 1))) <= now()
                 AND (l.last_scheduled_at IS NULL OR l.last_scheduled_at <= l.last_sync_failed_at)))
         ORDER BY coalesce(l.last_sync_at, l.inserted_at) ASC, l.id ASC LIMIT $1""")
        .execute(Tuple.of(limit, failedRetrySeconds)).map(LoginRepository::all);
  }

  /** The login's sync failed for good (its job went dead): the scheduler retries it with backoff. */
  Future<Void> markSyncFailed(SqlClient db, UUID id) {
    return db.preparedQuery("""
        UPDATE banksync.user_bank_logins SET sync_failures = sync_failures + 1,
            last_sync_failed_at = date_trunc('second', now()) WHERE id = $1""").execute(Tuple.of(id)).mapEmpty();
  }

  Future<Void> markScheduled(SqlClient db, UUID id) {
    return db.preparedQuery("UPDATE banksync.user_bank_logins SET last_scheduled_at = date_trunc('second', now()) WHERE id = $1")
        .execute(Tuple.of(id)).mapEmpty();
  }

  Future<Boolean> delete(SqlClient db, UUID id) {
    return db.preparedQuery("DELETE FROM banksync.user_bank_logins WHERE id = $1").execute(Tuple.of(id))
        .map(rs -> rs.rowCount() > 0);
  }

  Future<Void> saveTokens(SqlClient db, UUID id, String accessTokenEnc, String refreshTokenEnc, Instant expiresAt,
      String scope) {
    return db.preparedQuery("""
        UPDATE banksync.user_bank_logins SET access_token = $2, refresh_token = $3, token_expires_at = $4,
            scope = coalesce($5, scope), updated_at = date_trunc('second', now()) WHERE id = $1""")
        .execute(Tuple.of(id, accessTokenEnc, refreshTokenEnc, odt(expiresAt), scope)).mapEmpty();
  }

  Future<Instant> markSynced(SqlClient db, UUID id) {
    return db.preparedQuery("""
        UPDATE banksync.user_bank_logins SET last_sync_at = date_trunc('second', now()), status = 'ACTIVE',
            status_reason = NULL, sync_failures = 0, last_sync_failed_at = NULL,
            status_changed_at = CASE WHEN status <> 'ACTIVE' THEN date_trunc('second', now()) ELSE status_changed_at END,
            updated_at = date_trunc('second', now())
        WHERE id = $1 RETURNING last_sync_at""")
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : BankLogin.instant(rows.iterator().next(), "last_sync_at"));
  }

  Future<Void> markError(SqlClient db, UUID id, String reason) {
    return db.preparedQuery("""
        UPDATE banksync.user_bank_logins SET status = 'ERROR', status_reason = $2,
            status_changed_at = date_trunc('second', now()), updated_at = date_trunc('second', now())
        WHERE id = $1""")
        .execute(Tuple.of(id, reason)).mapEmpty();
  }

  private static List<BankLogin> all(Iterable<Row> rows) {
    List<BankLogin> out = new ArrayList<>();
    for (Row r : rows) out.add(BankLogin.from(r));
    return out;
  }

  static OffsetDateTime odt(Instant i) {
    return i == null ? null : OffsetDateTime.ofInstant(Instant.ofEpochSecond(i.getEpochSecond()), ZoneOffset.UTC);
  }
}
