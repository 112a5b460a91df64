package com.ledger.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * SQL of {@code auth.refresh_tokens}: one row per refresh token, by jti (never the token itself); a family is a
 * session. Takes the SqlClient per call so it works inside or outside a transaction.
 */
final class RefreshTokenRepository {
  private static final String NOW = "date_trunc('second', now())";
  private static final String INSERT = "INSERT INTO auth.refresh_tokens (jti, family_id, user_id, expires_at) "
      + "VALUES ($1, $2, $3, $4)";
  private static final String FIND =
      "SELECT family_id, user_id, revoked_at, revoked_reason FROM auth.refresh_tokens WHERE jti = $1";
  /** Exactly one winner under concurrency: the second UPDATE waits for the first to commit, then matches 0 rows. */
  private static final String REVOKE_ONE = "UPDATE auth.refresh_tokens SET revoked_at = " + NOW
      + ", revoked_reason = $2, updated_at = " + NOW + " WHERE jti = $1 AND revoked_at IS NULL";
  private static final String REVOKE_FAMILY = "UPDATE auth.refresh_tokens SET revoked_at = " + NOW
      + ", revoked_reason = $2, updated_at = " + NOW + " WHERE family_id = $1 AND revoked_at IS NULL";
  private static final String REVOKE_USER = "UPDATE auth.refresh_tokens SET revoked_at = " + NOW
      + ", revoked_reason = $3, updated_at = " + NOW
      + " WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR family_id <> $2::uuid)";
  private static final String PURGE = "DELETE FROM auth.refresh_tokens WHERE expires_at < " + NOW + " - interval '1 day'";

  /** A stored refresh token. */
  record Stored(UUID familyId, UUID userId, boolean revoked, String revokedReason) {
    boolean wasRotated() {
      return "rotated".equals(revokedReason);
    }
  }

  Future<Void> insert(SqlClient db, String jti, UUID familyId, UUID userId, Instant expiresAt) {
    OffsetDateTime exp = expiresAt.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC);
    return db.preparedQuery(INSERT).execute(Tuple.of(jti, familyId, userId, exp)).mapEmpty();
  }

  /** The row of a jti, or null. */
  Future<Stored> find(SqlClient db, String jti) {
    return db.preparedQuery(FIND).execute(Tuple.of(jti)).map(rows -> {
      if (rows.size() == 0) return null;
      Row r = rows.iterator().next();
      return new Stored(r.getUUID("family_id"), r.getUUID("user_id"), r.getValue("revoked_at") != null,
          r.getString("revoked_reason"));
    });
  }

  /** True for the one caller that revoked this live token. */
  Future<Boolean> revokeOne(SqlClient db, String jti, String reason) {
    return db.preparedQuery(REVOKE_ONE).execute(Tuple.of(jti, reason)).map(rows -> rows.rowCount() == 1);
  }

  /** Revoke every live token of a session; the count revoked. */
  Future<Integer> revokeFamily(SqlClient db, UUID familyId, String reason) {
    return db.preparedQuery(REVOKE_FAMILY).execute(Tuple.of(familyId, reason)).map(rows -> rows.rowCount());
  }

  /** Revoke every live token of a user except those of one session (null = all); the count revoked. */
  Future<Integer> revokeUser(SqlClient db, UUID userId, UUID exceptFamily, String reason) {
    return db.preparedQuery(REVOKE_USER).execute(Tuple.of(userId, exceptFamily, reason)).map(rows -> rows.rowCount());
  }

  /** Rows expired for more than a day (kept a day so a late replay still reads as revoked, not unknown). */
  Future<Integer> purgeExpired(SqlClient db) {
    return db.query(PURGE).execute().map(rows -> rows.rowCount());
  }
}
