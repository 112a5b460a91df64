package com.ledger.platform.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Per-event-loop lanes of a node: operations whose handlers are stateless and thread-safe (reads such as
 * {@code auth.me}) are offered here by their verticle, and each HTTP verticle calls them on its own event loop with the
 * {@link ApiRequest} the bus would have carried, so the request and its reply never change threads and no bus message,
 * reply registration or timer is spent on them (issue 8: the local hop was ~20 % of a {@code GET /api/auth/me}). The
 * operation's cluster-wide address stays served by its verticle as before (other nodes, and nodes without the role,
 * use it).
 */
public final class Lanes implements Shareable {
  private static final String MAP = "ledger.lanes";
  private final Map<String, Function<ApiRequest, Future<ApiReply>>> handlers = new ConcurrentHashMap<>();

  private Lanes() {}

  /** The node's lanes. */
  public static Lanes of(Vertx vertx) {
    LocalMap<String, Lanes> map = vertx.sharedData().getLocalMap(MAP);
    Lanes lanes = map.get(MAP);
    if (lanes == null) {
      map.putIfAbsent(MAP, new Lanes());
      lanes = map.get(MAP);
    }
    return lanes;
  }

  void offer(String address, Function<ApiRequest, Future<ApiReply>> handler) {
    handlers.putIfAbsent(address, handler);
  }

  /** The handler offered for {@code address} on this node, or null. */
  public Function<ApiRequest, Future<ApiReply>> handler(String address) {
    return handlers.get(address);
  }
}
