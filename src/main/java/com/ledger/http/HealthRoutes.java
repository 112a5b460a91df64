package com.ledger.http;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.observability.NodeState;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.io.File;
import java.time.Instant;
import java.util.Map;

/**
 * SPEC.md §10: liveness, readiness (database reachable, migrations done, verticles deployed, cluster joined),
 * the detailed view, and the Prometheus scrape. Readiness uses vertx-health-check procedures.
 */
final class HealthRoutes {
  private static final long CHECK_TIMEOUT_MS = 2000;
  private final Pool pool;
  private final int poolMax;
  private final NodeState node;
  private final HealthChecks ready;
  private final Handler<RoutingContext> scrape;

  HealthRoutes(Vertx vertx, Pool pool, int poolMax, NodeState node) {
    this.pool = pool;
    this.poolMax = poolMax;
    this.node = node;
    this.scrape = PrometheusScrapingHandler.create(node.registryName);
    this.ready = HealthChecks.create(vertx)
        .register("database", CHECK_TIMEOUT_MS, p -> databaseLatency().onComplete(ar ->
            p.complete(ar.succeeded() ? Status.OK(new JsonObject().put("latency_ms", ar.result())) : Status.KO())))
        .register("migrations", p -> p.complete(node.migrated() ? Status.OK() : Status.KO()))
        .register("verticles", p -> p.complete(node.deployed() ? Status.OK() : Status.KO()))
        .register("cluster", p -> p.complete(clusterJoined() ? Status.OK() : Status.KO()));
  }

  Map<String, Handler<RoutingContext>> handlers() {
    return Map.of(
        "health.check", rc -> json(rc, 200, new JsonObject().put("status", "ok").put("timestamp", now())
            .put("version", node.version).put("uptime", node.uptimeMs())),
        "health.live", rc -> json(rc, 200, new JsonObject().put("status", "alive").put("timestamp", now())
            .put("uptime", node.uptimeMs())),
        "health.ready", this::ready,
        "health.detailed", this::detailed,
        "metrics.scrape", scrape,
        "metrics.health", this::metricsHealth);
  }

  private void ready(RoutingContext rc) {
    ready.checkStatus().onComplete(ar -> {
      CheckResult r = ar.succeeded() ? ar.result() : null;
      JsonObject checks = new JsonObject().put("application", "ok");
      boolean up = r != null && CheckResult.isUp(r);
      if (r != null && r.getChecks() != null) {
        for (CheckResult c : r.getChecks()) checks.put(c.getId(), CheckResult.isUp(c) ? "ok" : "error");
      }
      json(rc, up ? 200 : 503, new JsonObject().put("status", up ? "ready" : "not_ready").put("timestamp", now())
          .put("checks", checks));
    });
  }

  private void detailed(RoutingContext rc) {
    databaseLatency().otherwise(-1L).onComplete(ar -> {
      long latency = ar.result();
      Runtime rt = Runtime.getRuntime();
      long used = rt.totalMemory() - rt.freeMemory();
      long max = rt.maxMemory();
      File root = new File(".").getAbsoluteFile();
      long free = root.getUsableSpace();
      boolean dbOk = latency >= 0;
      boolean memOk = used < 0.9 * max;
      boolean diskOk = free > 100L * 1024 * 1024;
      Map<String, String> extra = node.checks();
      boolean ok = dbOk && memOk && diskOk && extra.values().stream().allMatch("ok"::equals);
      JsonObject details = new JsonObject()
          .put("node", node.nodeName)
          .put("database", new JsonObject().put("latency_ms", dbOk ? latency : null)
              .put("pool", new JsonObject().put("max_size", poolMax).put("size", pool.size())))
          .put("memory", new JsonObject().put("heap_used_bytes", used).put("heap_max_bytes", max)
              .put("heap_used_ratio", Math.round(1000.0 * used / max) / 1000.0))
          .put("disk", new JsonObject().put("usable_bytes", free).put("total_bytes", root.getTotalSpace()))
          .put("cluster", clusterInfo());
      JsonObject checks = new JsonObject().put("database", dbOk ? "ok" : "error").put("memory", memOk ? "ok" : "warning")
          .put("disk", diskOk ? "ok" : "warning");
      for (var c : node.contributors().entrySet()) {
        JsonObject section = c.getValue().get();
        details.put(c.getKey(), section);
        // a section may say it is unhealthy (e.g. jobs waiting with no worker claiming them): the node is degraded
        if (section != null && Boolean.FALSE.equals(section.getValue("healthy"))) {
          ok = false;
          checks.put(c.getKey(), "warning");
        }
      }
      json(rc, ok ? 200 : 503, new JsonObject().put("status", ok ? "ok" : "degraded").put("timestamp", now())
          .put("version", node.version).put("uptime", node.uptimeMs())
          .put("checks", checks.mergeIn(new JsonObject(new java.util.LinkedHashMap<>(extra))))
          .put("details", details));
    });
  }

  private void metricsHealth(RoutingContext rc) {
    databaseLatency().onComplete(ar -> {
      if (ar.failed()) {
        rc.fail(new LedgerException(ErrorCode.SERVICE_UNAVAILABLE, "The metrics backend's database check failed"));
        return;
      }
      LocalRoutes.ok(rc, new JsonObject().put("status", "healthy").put("service", "metrics").put("timestamp", now())
          .put("prometheus", "available").put("checks", new JsonObject().put("database", "ok").put("cache", "ok")),
          new JsonObject());
    });
  }

  /** Round-trip time of {@code SELECT 1} in ms, bounded by the check timeout. */
  Future<Long> databaseLatency() {
    long start = System.nanoTime();
    return pool.query("SELECT 1").execute().map(rs -> (System.nanoTime() - start) / 1_000_000)
        .timeout(CHECK_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private boolean clusterJoined() {
    var cm = node.clusterManager;
    return cm == null || (cm.isActive() && cm.getNodes().contains(cm.getNodeId()));
  }

  private JsonObject clusterInfo() {
    var cm = node.clusterManager;
    if (cm == null) return new JsonObject().put("enabled", false);
    return new JsonObject().put("enabled", true).put("node_id", cm.getNodeId()).put("members", cm.getNodes())
        .put("active", cm.isActive());
  }

  private static String now() {
    return Instant.ofEpochSecond(Instant.now().getEpochSecond()).toString();
  }

  static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

}
