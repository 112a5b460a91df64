package com.ledger.auth.api;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** Event-bus addresses of the auth context (operationIds of openapi.yaml plus internal ones). */
public final class AuthApi {
  /** The address namespaces this context owns (ArchitectureTest: no other api package declares one of them). */
  public static final List<String> ADDRESS_PREFIXES = List.of("auth.");

  public static final String LOGIN = "auth.login";
  public static final String REFRESH = "auth.refresh";
  public static final String LOGOUT = "auth.logout";
  public static final String LOGOUT_ALL = "auth.logout-all";
  public static final String ME = "auth.me";
  public static final String VALIDATE = "auth.validate";

  /**
   * Internal: revoke every live session (refresh-token family) of a user except one.
   * {@code {user_id, except_sid?, reason}} → {@code {revoked}}.
   */
  public static final String REVOKE_SESSIONS = "auth.revoke-sessions";

  /**
   * Internal: record a security audit event.
   * {@code {event, user_id?, actor_id?, request_id?, client_ip?, details}} → {@code {}}. Never put secrets in details.
   */
  public static final String AUDIT = "auth.audit";

  private AuthApi() {}

  /** The body of an {@link #AUDIT} message. */
  public static JsonObject auditEvent(String event, String userId, String actorId, String requestId, String clientIp,
      JsonObject details) {
    return new JsonObject().put("event", event).put("user_id", userId).put("actor_id", actorId)
        .put("request_id", requestId).put("client_ip", clientIp)
        .put("details", details == null ? new JsonObject() : details);
  }
}
