package com.ledger.platform.jobs;

import com.ledger.platform.config.ConfigException;
import com.ledger.platform.config.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code jobs} section of the configuration.
 *
 * @param queues           per-node concurrency by queue ({@code jobs.queues: "banking:3,payments:2,..."})
 * @param pollIntervalMs   fallback poll when no wake-up arrives (also the cadence of lease rescue) while there is work
 * @param idlePollMaxMs    the poll backs off, doubling, up to this when claims come back empty (an idle node does not
 *                         poll the database hot; a wake-up still starts a claim at once); never below pollIntervalMs
 * @param batchSize        how many jobs a batch worker ({@link BatchJobWorker}) claims and runs at once
 * @param leaseSeconds     how long a claim is valid without a heartbeat
 * @param heartbeatSeconds how often a runner extends the leases of its running jobs (must be below the lease)
 * @param pruneDays        completed/dead/cancelled jobs older than this are deleted
 * @param shutdownGraceMs  on stop, how long running jobs may finish before their leases are released
 * @param vacuumIntervalMs how often a node vacuums the jobs table (0 = never: autovacuum alone); see
 *                         {@link JobsMaintenanceVerticle}
 */
public record JobsConfig(Map<String, Integer> queues, int pollIntervalMs, int leaseSeconds, int heartbeatSeconds,
    int pruneDays, int shutdownGraceMs, int idlePollMaxMs, int batchSize, int vacuumIntervalMs) {

  public static final String DEFAULT_QUEUES = "banking:3,payments:2,notifications:3,default:1";
  public static final int DEFAULT_IDLE_POLL_MAX_MS = 5000;
  public static final int DEFAULT_BATCH_SIZE = 100;
  public static final int DEFAULT_VACUUM_INTERVAL_MS = 60_000;

  public JobsConfig {
    idlePollMaxMs = Math.max(idlePollMaxMs, pollIntervalMs);
    if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1");
    if (vacuumIntervalMs < 0) throw new IllegalArgumentException("vacuumIntervalMs must be >= 0");
  }

  /** The default vacuum interval. */
  public JobsConfig(Map<String, Integer> queues, int pollIntervalMs, int leaseSeconds, int heartbeatSeconds,
      int pruneDays, int shutdownGraceMs, int idlePollMaxMs, int batchSize) {
    this(queues, pollIntervalMs, leaseSeconds, heartbeatSeconds, pruneDays, shutdownGraceMs, idlePollMaxMs, batchSize,
        DEFAULT_VACUUM_INTERVAL_MS);
  }

  /** The defaults for the idle backoff, the batch size and the vacuum interval. */
  public JobsConfig(Map<String, Integer> queues, int pollIntervalMs, int leaseSeconds, int heartbeatSeconds,
      int pruneDays, int shutdownGraceMs) {
    this(queues, pollIntervalMs, leaseSeconds, heartbeatSeconds, pruneDays, shutdownGraceMs, DEFAULT_IDLE_POLL_MAX_MS,
        DEFAULT_BATCH_SIZE);
  }

  public static JobsConfig from(JsonObject raw) {
    ConfigReader j = ConfigReader.root(raw).child("jobs");
    Map<String, Integer> queues = parseQueues(j.key("queues"), j.string("queues", DEFAULT_QUEUES));
    int lease = j.integer("lease_seconds", 30, 1, 3600);
    int heartbeat = j.integer("heartbeat_seconds", 10, 1, 3600);
    if (heartbeat >= lease) {
      throw new ConfigException(j.key("heartbeat_seconds"), "must be below jobs.lease_seconds (" + lease + ")");
    }
    return new JobsConfig(queues, j.integer("poll_interval_ms", 1000, 10, 600_000), lease, heartbeat,
        j.integer("prune_days", 7, 1, 3650), j.integer("shutdown_grace_ms", 10_000, 0, 600_000),
        j.integer("idle_poll_max_ms", DEFAULT_IDLE_POLL_MAX_MS, 10, 600_000),
        j.integer("batch_size", DEFAULT_BATCH_SIZE, 1, 1000),
        j.integer("vacuum_interval_ms", DEFAULT_VACUUM_INTERVAL_MS, 0, 86_400_000));
  }

  /** {@code "banking:3,payments:2"} → ordered map; every entry needs a name and a concurrency of 1..100. */
  static Map<String, Integer> parseQueues(String key, String spec) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) continue;
      String[] nv = p.split(":");
      try {
        if (nv.length != 2 || !nv[0].trim().matches("[a-z0-9_-]{1,64}")) throw new NumberFormatException();
        int n = Integer.parseInt(nv[1].trim());
        if (n < 1 || n > 100) throw new NumberFormatException();
        out.put(nv[0].trim(), n);
      } catch (NumberFormatException e) {
        throw new ConfigException(key, "entries must look like name:concurrency (1..100), got '" + p + "'");
      }
    }
    if (out.isEmpty()) throw new ConfigException(key, "must name at least one queue");
    return Map.copyOf(out);
  }

  /** The per-node concurrency of a queue (1 for a queue the config does not name). */
  public int concurrency(String queue) {
    return queues.getOrDefault(queue, 1);
  }
}
