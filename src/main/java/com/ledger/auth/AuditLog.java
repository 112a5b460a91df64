package com.ledger.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Security audit events: a row in {@code auth.audit_events} plus a structured log line. Callers pass details
 * without secrets (never passwords, tokens or hashes); a failed write is logged and never fails the caller.
 */
final class AuditLog {
  private static final Logger LOG = LoggerFactory.getLogger("com.ledger.audit");
  private final Pool pool;
  private final AuditRepository events;

  AuditLog(Pool pool, AuditRepository events) {
    this.pool = pool;
    this.events = events;
  }

  Future<Void> record(String event, String userId, String actorId, String requestId, String clientIp,
      JsonObject details) {
    JsonObject d = details == null ? new JsonObject() : details;
    LOG.atInfo().addKeyValue("event", event).addKeyValue("userId", userId).addKeyValue("actorId", actorId)
        .addKeyValue("cid", requestId).addKeyValue("clientIp", clientIp).addKeyValue("details", d.encode())
        .log("security event");
    return events.insert(pool, event, uuid(userId), uuid(actorId), clip(requestId, 128), clip(clientIp, 64), d)
        .recover(err -> {
          LOG.atError().addKeyValue("event", event).addKeyValue("cid", requestId).addKeyValue("error", err.getMessage())
              .log("audit event not stored");
          return Future.succeededFuture();
        });
  }

  /** An {@code auth.audit} bus message from another context. */
  Future<Void> record(JsonObject m) {
    return record(m.getString("event", "unknown"), m.getString("user_id"), m.getString("actor_id"),
        m.getString("request_id"), m.getString("client_ip"), m.getJsonObject("details"));
  }

  private static UUID uuid(String s) {
    try {
      return s == null ? null : UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String clip(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }
}
