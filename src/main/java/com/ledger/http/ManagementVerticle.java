package com.ledger.http;

import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.observability.NodeState;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Map;

/**
 * The small management listener of a node without the API role (e.g. a worker-only node): {@code GET
 * /api/health/live}, {@code /api/health/ready}, {@code /api/health/detailed} and {@code /api/metrics} on
 * {@code management.port} (bound to {@code http.host}), answered exactly as the API node answers them, so probes
 * and scrapers see every node. Anything else is 404.
 */
public final class ManagementVerticle extends VerticleBase {
  private final DbConfig db;
  private final String host;
  private final int port;
  private final NodeState node;
  private Pool pool;
  private HttpServer server;

  /** Listens on {@code host} ({@code http.host}) and {@code port} ({@code management.port}; 0: any free port). */
  public ManagementVerticle(DbConfig db, String host, int port, NodeState node) {
    this.db = db;
    this.host = host;
    this.port = port;
    this.node = node;
  }

  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, db);
    Map<String, Handler<RoutingContext>> h = new HealthRoutes(vertx, pool, db.poolSize(), node).handlers();
    Router router = Router.router(vertx);
    router.get("/api/health/live").handler(h.get("health.live"));
    router.get("/api/health/ready").handler(h.get("health.ready"));
    router.get("/api/health/detailed").handler(h.get("health.detailed"));
    router.get("/api/metrics").handler(h.get("metrics.scrape"));
    router.route().handler(rc -> HealthRoutes.json(rc, 404, new JsonObject().put("status", 404)
        .put("reason", "resource_not_found").put("detail", "The management listener serves health and metrics only")));
    return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> pool.close());
  }
}
