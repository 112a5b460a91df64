package com.ledger.platform.jobs;

import com.ledger.platform.observability.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The jobs meters on the node's registry (Prometheus names): {@code ledger_jobs_total{worker,outcome}},
 * {@code ledger_jobs_dead_total{worker,reason}}, {@code ledger_jobs_claim_to_done_seconds{queue,worker}} (with
 * p50/p95/p99); {@code ledger_jobs_queue_depth{queue}} is the node's ({@link JobsMaintenanceVerticle}).
 */
final class JobMetrics {
  private final MeterRegistry registry;
  private final String queue;

  JobMetrics(String registryName, String queue) {
    this.registry = Meters.registry(registryName);
    this.queue = queue;
  }

  void register(String worker) {
    outcomeCounter(worker, "completed");
  }

  /** The queue's depth as the node's maintenance last read it (0 before it did, or on a node without one). */
  long depthValue() {
    Gauge g = registry.find(JobsMaintenanceVerticle.DEPTH_GAUGE).tag("queue", queue).gauge();
    return g == null ? 0 : (long) g.value();
  }

  /** outcome: completed, retryable, dead, lease_lost. */
  void outcome(String worker, String outcome) {
    outcomeCounter(worker, outcome).increment();
  }

  void dead(String worker, String reason) {
    Counter.builder("ledger.jobs.dead").description("Jobs moved to the dead-letter state")
        .tag("worker", worker).tag("reason", reason).register(registry).increment();
  }

  void claimToDone(String worker, long nanos) {
    Timer.builder("ledger.jobs.claim.to.done").description("From claim to completion or failure of an attempt")
        .tag("queue", queue).tag("worker", worker).publishPercentiles(0.5, 0.95, 0.99)
        .register(registry).record(Duration.ofNanos(nanos));
  }

  /** Snapshot of the claim-to-done timer: {count, mean_ms, max_ms} (for health/bench output). */
  Timer timer(String worker) {
    return registry.find("ledger.jobs.claim.to.done").tag("queue", queue).tag("worker", worker).timer();
  }

  private Counter outcomeCounter(String worker, String outcome) {
    return Counter.builder("ledger.jobs").description("Job attempts by outcome")
        .tag("worker", worker).tag("outcome", outcome).register(registry);
  }
}
