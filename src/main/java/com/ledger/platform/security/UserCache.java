package com.ledger.platform.security;

import com.ledger.platform.bus.Bus;
import com.ledger.platform.json.EncodedJson;
import com.ledger.users.api.UsersApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's cache of users by id (SPEC.md §1.5 step 3, and {@code GET /auth/me}): the {@code users.find} answer
 * {@code {found, user?}}, where the §5.1 user object carries status, role and email. Shared by every verticle of the
 * node; a hit costs no bus hop and no query. Every change of a user (update, role, status, delete) is published
 * cluster-wide on {@link UsersApi#STATUS_CHANGED} before the change is answered, and each node drops the entry; an
 * answer fetched while a change was being published is not kept (so a change is never hidden by a slow miss), and
 * entries expire after {@code ttlMs} whatever happens (a lost publish). Cached objects are shared: never change them.
 */
public final class UserCache implements Shareable {
  private static final String MAP = "ledger.user-cache";
  /** More distinct users than this inside one TTL and the cache starts over (a bound, not an LRU). */
  static final int MAX_ENTRIES = 50_000;

  private record Entry(JsonObject found, long at) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong evictions = new AtomicLong();
  private volatile Vertx vertx;
  private volatile long ttlMs;
  private volatile long timeoutMs;

  private UserCache() {}

  /**
   * The node's cache, with {@code auth.status_cache_ms} as {@code ttlMs} (0 disables caching) and the HTTP request
   * timeout for misses; the last caller's settings win, they are node-wide config.
   */
  public static UserCache of(Vertx vertx, long ttlMs, long timeoutMs) {
    LocalMap<String, UserCache> map = vertx.sharedData().getLocalMap(MAP);
    UserCache cache = map.get(MAP);
    if (cache == null) {
      map.putIfAbsent(MAP, new UserCache());
      cache = map.get(MAP);
    }
    cache.vertx = vertx;
    cache.ttlMs = ttlMs;
    cache.timeoutMs = timeoutMs;
    return cache;
  }

  /**
   * Registers this verticle's eviction consumer (each verticle that reads the cache registers one, so eviction keeps
   * working whichever of them is undeployed first; a second eviction of the same user is harmless).
   */
  public Future<Void> listen(Vertx vertx) {
    return vertx.eventBus().<JsonObject>consumer(UsersApi.STATUS_CHANGED, m -> {
      JsonObject body = m.body();
      if (body != null && body.getString("user_id") != null) evict(body.getString("user_id"));
    }).completion();
  }

  void evict(String userId) {
    evictions.incrementAndGet();
    entries.remove(userId);
  }

  /** {@code {found, user?}} of the user, from the cache or from the users context. */
  public Future<JsonObject> find(String userId, String correlationId) {
    long now = System.currentTimeMillis();
    Entry hit = entries.get(userId);
    if (hit != null && now - hit.at() < ttlMs) return Future.succeededFuture(hit.found());
    long seen = evictions.get();
    return vertx.eventBus().<JsonObject>request(UsersApi.FIND, new JsonObject().put("user_id", userId),
            Bus.options(correlationId, timeoutMs))
        .map(reply -> {
          JsonObject found = ttlMs > 0 ? kept(reply.body()) : reply.body();
          if (ttlMs > 0 && evictions.get() == seen) {
            if (entries.size() >= MAX_ENTRIES) entries.clear();
            entries.put(userId, new Entry(found, now));
          }
          return found;
        });
  }

  /**
   * The answer as the cache keeps it: its user as {@link EncodedJson} (shared read-only like every cached answer), so
   * the edge writes the user of {@code GET /api/auth/me} without encoding it again.
   */
  static JsonObject kept(JsonObject found) {
    JsonObject user = user(found);
    if (user == null || user instanceof EncodedJson) return found;
    return new JsonObject(new java.util.LinkedHashMap<>(found.getMap())).put("user", new EncodedJson(user));
  }

  /** The user object of a {@code find} answer, or null when the user does not exist. */
  public static JsonObject user(JsonObject found) {
    return found != null && found.getBoolean("found", false) ? found.getJsonObject("user") : null;
  }
}
