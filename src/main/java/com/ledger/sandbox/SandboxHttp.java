package com.ledger.sandbox;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Response helpers and request counters of the sandbox bank (OAuth2-style error bodies). */
final class SandboxHttp {
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

  void count(String key) {
    counters.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
  }

  JsonObject counters() {
    JsonObject c = new JsonObject();
    counters.forEach((k, v) -> c.put(k, v.get()));
    return c;
  }

  static JsonObject bodyOrEmpty(RoutingContext rc) {
    try {
      JsonObject b = rc.body().asJsonObject();
      return b == null ? new JsonObject() : b;
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  static void error(RoutingContext rc, int status, String error, String description) {
    json(rc, status, new JsonObject().put("error", error).put("error_description", description));
  }

  static void json(RoutingContext rc, int status, JsonObject body) {
    if (rc.response().ended() || rc.response().closed()) return;
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
