package com.ledger.platform.idempotency;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/** SQL for {@code payments.idempotency_keys}. A claim's {@code created_at} is its token. */
final class IdempotencyRepository {
  /**
   * Insert the key as in_progress, or take over a row that expired or whose in-progress request was abandoned.
   * Returns the claim token, or nothing when the key is held by a live record.
   */
  private static final String CLAIM = """
      INSERT INTO payments.idempotency_keys AS k (user_id, key, fingerprint, state, created_at, expires_at, lease_until)
      VALUES ($1, $2, $3, 'in_progress', date_trunc('second', now()),
              date_trunc('second', now()) + $4::int * interval '1 hour', clock_timestamp() + $5::int * interval '1 second')
      ON CONFLICT (user_id, key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, state = 'in_progress', response_status = NULL,
             response_content_type = NULL, response_body = NULL, created_at = EXCLUDED.created_at,
             expires_at = EXCLUDED.expires_at, lease_until = EXCLUDED.lease_until
       WHERE k.expires_at <= now()
          OR (k.state = 'in_progress'
              AND coalesce(k.lease_until, k.created_at + $5::int * interval '1 second') < clock_timestamp())
      RETURNING created_at""";
  private static final String FIND = """
      SELECT fingerprint, state, response_status, response_content_type, response_body,
             greatest(0, ceil(extract(epoch FROM lease_until - clock_timestamp()) * 1000))::bigint AS lease_left_ms
      FROM payments.idempotency_keys WHERE user_id = $1 AND key = $2""";
  private static final String COMPLETE = """
      UPDATE payments.idempotency_keys
         SET state = 'completed', response_status = $4, response_content_type = $5, response_body = $6
      WHERE user_id = $1 AND key = $2 AND created_at = $3 AND state = 'in_progress'""";
  private static final String RELEASE = """
      DELETE FROM payments.idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at = $3 AND state = 'in_progress'""";
  private static final String RENEW = """
      UPDATE payments.idempotency_keys SET lease_until = clock_timestamp() + $4::int * interval '1 second'
      WHERE user_id = $1 AND key = $2 AND created_at = $3 AND state = 'in_progress'""";
  private static final String PURGE = "DELETE FROM payments.idempotency_keys WHERE expires_at <= now()";

  record Stored(String fingerprint, String state, Integer status, String contentType, String body, Long leaseLeftMs) {}

  Future<Optional<OffsetDateTime>> claim(SqlClient db, UUID userId, String key, String fingerprint, int ttlHours,
      int staleSeconds) {
    return db.preparedQuery(CLAIM).execute(Tuple.of(userId, key, fingerprint, ttlHours, staleSeconds))
        .map(rows -> rows.size() == 0 ? Optional.empty()
            : Optional.of(rows.iterator().next().getOffsetDateTime("created_at")));
  }

  Future<Optional<Stored>> find(SqlClient db, UUID userId, String key) {
    return db.preparedQuery(FIND).execute(Tuple.of(userId, key)).map(rows -> {
      if (rows.size() == 0) return Optional.empty();
      Row r = rows.iterator().next();
      return Optional.of(new Stored(r.getString("fingerprint"), r.getString("state"), r.getInteger("response_status"),
          r.getString("response_content_type"), r.getString("response_body"), r.getLong("lease_left_ms")));
    });
  }

  Future<Boolean> complete(SqlClient db, UUID userId, String key, OffsetDateTime token, int status,
      String contentType, String body) {
    return db.preparedQuery(COMPLETE).execute(Tuple.of(userId, key, token, status, contentType, body))
        .map(rows -> rows.rowCount() == 1);
  }

  Future<Void> release(SqlClient db, UUID userId, String key, OffsetDateTime token) {
    return db.preparedQuery(RELEASE).execute(Tuple.of(userId, key, token)).mapEmpty();
  }

  /** Extend the lease of a claim still in progress (its request is alive). */
  Future<Boolean> renew(SqlClient db, UUID userId, String key, OffsetDateTime token, int leaseSeconds) {
    return db.preparedQuery(RENEW).execute(Tuple.of(userId, key, token, leaseSeconds)).map(rows -> rows.rowCount() == 1);
  }

  Future<Integer> purgeExpired(SqlClient db) {
    return db.preparedQuery(PURGE).execute().map(io.vertx.sqlclient.RowSet::rowCount);
  }
}
