package com.ledger.platform.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/** Registering a context's addresses: API operations (ApiRequest → ApiReply) and internal JSON request/reply. */
public final class Consumers {
  private Consumers() {}

  /** Serve an operation of the contract; completes once the consumer is registered cluster-wide. */
  public static Future<Void> api(Vertx vertx, String address, Function<ApiRequest, Future<ApiReply>> handler) {
    return vertx.eventBus().<JsonObject>consumer(address, m -> Replies.api(m, handler)).completion();
  }

  /** Serve an internal address whose request and reply are plain JSON objects. */
  public static Future<Void> internal(Vertx vertx, String address, Function<JsonObject, Future<JsonObject>> handler) {
    return vertx.eventBus().<JsonObject>consumer(address, m -> {
      Future<JsonObject> result;
      try {
        result = handler.apply(m.body() == null ? new JsonObject() : m.body());
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      Replies.of(m, result, v -> v);
    }).completion();
  }
}
