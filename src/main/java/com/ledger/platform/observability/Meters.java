package com.ledger.platform.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

/** Where a component registers its meters. */
public final class Meters {
  private Meters() {}

  /**
   * The node's registry named {@code registryName} (what {@code /api/metrics} shows), or a registry of the caller's
   * own when there is none (no name, or metrics off): the meters then count, unseen.
   */
  public static MeterRegistry registry(String registryName) {
    MeterRegistry found = registryName == null ? null : BackendRegistries.getNow(registryName);
    return found == null ? new SimpleMeterRegistry() : found;
  }
}
