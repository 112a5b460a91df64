package com.ledger.users;

import com.ledger.auth.api.AuthApi;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Bus;
import com.ledger.users.api.UsersApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the users context tells the others: a cluster-wide status-changed publish (every node's status cache
 * evicts the user) and security audit events, recorded by the auth context (it owns {@code auth.audit_events}).
 */
final class UserEvents {
  private static final Logger LOG = LoggerFactory.getLogger(UserEvents.class);
  private final Vertx vertx;
  private final long timeoutMs;

  UserEvents(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  /** Publish before replying, so the edge's cache is evicted before the caller can send its next request. */
  void statusChanged(String userId) {
    vertx.eventBus().publish(UsersApi.STATUS_CHANGED, new JsonObject().put("user_id", userId));
  }

  /** Record (and log, in the auth context) an audit event; a failure is logged here, never the caller's error. */
  Future<Void> audit(ApiRequest req, String event, String userId, JsonObject details) {
    String actor = req.caller().map(c -> c.userId()).orElse(null);
    JsonObject body = AuthApi.auditEvent(event, userId, actor, req.correlationId(), req.clientIp(), details);
    return vertx.eventBus().request(AuthApi.AUDIT, body, Bus.options(req.correlationId(), timeoutMs))
        .<Void>mapEmpty()
        .recover(err -> {
          LOG.atWarn().addKeyValue("event", event).addKeyValue("cid", req.correlationId())
              .addKeyValue("error", err.getMessage()).log("audit event not recorded");
          return Future.succeededFuture();
        });
  }

  /** Ask the auth context to revoke a user's sessions except one (null = all). Fails if it cannot. */
  Future<Integer> revokeSessions(ApiRequest req, String userId, String exceptSid, String reason) {
    JsonObject body = new JsonObject().put("user_id", userId).put("except_sid", exceptSid).put("reason", reason);
    return vertx.eventBus().<JsonObject>request(AuthApi.REVOKE_SESSIONS, body, Bus.options(req.correlationId(), timeoutMs))
        .map(m -> m.body().getInteger("revoked", 0));
  }
}
