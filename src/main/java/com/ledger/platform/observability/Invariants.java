package com.ledger.platform.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ledger's invariant checks as every node sees them: each run of the ledger verify (periodic, on one node at a
 * time, or the admin route) publishes {@code {violations, checked_at}} on {@link #ADDRESS}; every node keeps the last
 * count, exports it as {@code ledger_invariant_violations} and turns {@code /api/health/detailed} degraded while it is
 * above zero.
 */
public final class Invariants {
  /** Publish address of a verify run's outcome. */
  public static final String ADDRESS = "ledger.invariants";

  private Invariants() {}

  /** Listen on this node; call once per node, after its metrics registry exists. */
  public static Future<Void> listen(Vertx vertx, NodeState node) {
    AtomicLong violations = node.ledgerViolations();
    MeterRegistry registry = BackendRegistries.getNow(node.registryName);
    if (registry != null) {
      Gauge.builder("ledger.invariant.violations", violations, AtomicLong::get)
          .description("Discrepancies the last ledger verify found (0 = balanced, chains intact)").register(registry);
    }
    node.check("ledger", () -> violations.get() == 0 ? "ok" : "error");
    return vertx.eventBus().<JsonObject>consumer(ADDRESS, m -> {
      Long n = m.body() == null ? null : m.body().getLong("violations");
      if (n != null) violations.set(n);
    }).completion();
  }
}
