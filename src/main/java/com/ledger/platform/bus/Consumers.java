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
    BusCodecs.register(vertx);
    return vertx.eventBus().consumer(address, m -> Replies.api(m, handler)).completion();
  }

  /**
   * {@link #api}, and the handler is also offered to the node's HTTP event loops ({@link Lanes}): only for handlers
   * that are stateless and safe to run on any event loop of the node.
   */
  public static Future<Void> lane(Vertx vertx, String address, Function<ApiRequest, Future<ApiReply>> handler) {
    Lanes.of(vertx).offer(address, handler);
    return api(vertx, address, handler);
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
