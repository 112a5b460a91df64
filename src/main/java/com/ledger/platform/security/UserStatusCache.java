package com.ledger.platform.security;

import com.ledger.platform.bus.Bus;
import com.ledger.users.api.UsersApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

/**
 * A short-lived per-node cache of users' status and role (SPEC.md §1.5 step 3), shared by the node's HTTP
 * verticles. Misses ask the users context over the bus; a cluster-wide {@link UsersApi#STATUS_CHANGED} publish
 * evicts the entry on every node.
 */
public final class UserStatusCache {
  private final Vertx vertx;
  private final LocalMap<String, JsonObject> map;
  private final long ttlMs;
  private final long timeoutMs;

  public UserStatusCache(Vertx vertx, long ttlMs, long timeoutMs) {
    this.vertx = vertx;
    this.map = vertx.sharedData().getLocalMap("ledger.user-status");
    this.ttlMs = ttlMs;
    this.timeoutMs = timeoutMs;
  }

  /** Register the eviction consumer (call once per verticle; it is cheap). */
  public Future<Void> listen() {
    return vertx.eventBus().<JsonObject>consumer(UsersApi.STATUS_CHANGED, m -> {
      JsonObject body = m.body();
      if (body != null && body.getString("user_id") != null) map.remove(body.getString("user_id"));
    }).completion();
  }

  /** {@code {found, status, active, suspended, deleted, role, email}} of the user. */
  public Future<JsonObject> get(String userId, String correlationId) {
    JsonObject hit = map.get(userId);
    long now = System.currentTimeMillis();
    if (hit != null && now - hit.getLong("cached_at", 0L) < ttlMs) return Future.succeededFuture(hit);
    return vertx.eventBus().<JsonObject>request(UsersApi.STATUS, new JsonObject().put("user_id", userId),
            Bus.options(correlationId, timeoutMs))
        .map(reply -> {
          JsonObject v = reply.body().copy().put("cached_at", now);
          if (ttlMs > 0) map.put(userId, v);
          return v;
        });
  }

  /** SPEC.md §4.3: status ACTIVE and active and not suspended and not deleted. */
  public static boolean isActive(JsonObject s) {
    return "ACTIVE".equals(s.getString("status")) && Boolean.TRUE.equals(s.getBoolean("active"))
        && !Boolean.TRUE.equals(s.getBoolean("suspended")) && !Boolean.TRUE.equals(s.getBoolean("deleted"));
  }
}
