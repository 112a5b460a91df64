package com.ledger.platform.observability;

import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What this node knows about itself, for the health routes: when it started, whether migrations ran and the
 * verticles are deployed, its cluster manager (null when not clustered), and extra detail contributors (e.g. the
 * bank circuit breaker) that other contexts register.
 */
public final class NodeState {
  public final String nodeName;
  public final String version;
  public final String registryName;
  public final Instant startedAt = Instant.now();
  public final ClusterManager clusterManager;
  private volatile boolean migrated;
  private volatile boolean deployed;
  private final Map<String, Supplier<JsonObject>> details = new ConcurrentHashMap<>();
  private final Map<String, Supplier<String>> checks = new ConcurrentHashMap<>();
  private final AtomicLong ledgerViolations = new AtomicLong();

  public NodeState(String nodeName, String version, String registryName, ClusterManager clusterManager) {
    this.nodeName = nodeName;
    this.version = version;
    this.registryName = registryName;
    this.clusterManager = clusterManager;
  }

  public boolean migrated() {
    return migrated;
  }

  public void markMigrated() {
    migrated = true;
  }

  public boolean deployed() {
    return deployed;
  }

  public void markDeployed() {
    deployed = true;
  }

  public long uptimeMs() {
    return Instant.now().toEpochMilli() - startedAt.toEpochMilli();
  }

  /** Add a section to {@code /api/health/detailed} (e.g. {@code bank_circuit_breaker}). */
  public void contribute(String name, Supplier<JsonObject> supplier) {
    details.put(name, supplier);
  }

  public Map<String, Supplier<JsonObject>> contributors() {
    return Map.copyOf(details);
  }

  /** Add a check to {@code /api/health/detailed}: {@code "ok"}, else the node reports {@code degraded}. */
  public void check(String name, Supplier<String> status) {
    checks.put(name, status);
  }

  public Map<String, String> checks() {
    Map<String, String> out = new LinkedHashMap<>();
    checks.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** The discrepancies the last ledger verify found (see {@link Invariants}). */
  public AtomicLong ledgerViolations() {
    return ledgerViolations;
  }
}
