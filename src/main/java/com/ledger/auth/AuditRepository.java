package com.ledger.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** {@code auth.audit_events}: one row per security event (what {@link AuditLog} records). */
final class AuditRepository {
  private static final String INSERT = "INSERT INTO auth.audit_events (event, user_id, actor_id, request_id, client_ip, "
      + "details) VALUES ($1, $2, $3, $4, $5, $6)";

  Future<Void> insert(SqlClient db, String event, UUID userId, UUID actorId, String requestId, String clientIp,
      JsonObject details) {
    return db.preparedQuery(INSERT).execute(Tuple.of(event, userId, actorId, requestId, clientIp, details)).mapEmpty();
  }
}
