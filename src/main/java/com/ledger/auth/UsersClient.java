package com.ledger.auth;

import com.ledger.platform.bus.Bus;
import com.ledger.users.api.UsersApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** The auth context's view of the users context: its internal bus addresses only. */
final class UsersClient {
  private final Vertx vertx;
  private final long timeoutMs;

  UsersClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  /** Field failures (400/401) arrive as failures; otherwise {@code {outcome, user_id, user?}}. */
  Future<JsonObject> verifyCredentials(Object email, Object password, String cid) {
    return request(UsersApi.VERIFY_CREDENTIALS, new JsonObject().put("email", email).put("password", password), cid);
  }

  /** {@code {found, status, active, suspended, deleted, role, email}}. */
  Future<JsonObject> status(String userId, String cid) {
    return request(UsersApi.STATUS, new JsonObject().put("user_id", userId), cid);
  }

  /** {@code {found, user?}}. */
  Future<JsonObject> find(String userId, String cid) {
    return request(UsersApi.FIND, new JsonObject().put("user_id", userId), cid);
  }

  private Future<JsonObject> request(String address, JsonObject body, String cid) {
    return vertx.eventBus().<JsonObject>request(address, body, Bus.options(cid, timeoutMs)).map(m -> m.body());
  }
}
