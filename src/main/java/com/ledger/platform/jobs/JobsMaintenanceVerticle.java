package com.ledger.platform.jobs;

import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.observability.Meters;
import com.ledger.platform.observability.NodeState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job upkeep of a node that runs job runners, once per node however many runners it has ({@link JobRunners}
 * deploys it): the {@code ledger_jobs_queue_depth{queue}} gauge of each queue the node runs (jobs waiting: available,
 * scheduled, retryable), read every {@code jobs.idle_poll_max_ms}, the hourly pruning of finished jobs older than
 * {@code jobs.prune_days} (the first at start), and a {@code VACUUM} of the jobs table every
 * {@code jobs.vacuum_interval_ms} (the first one interval after start).
 *
 * <p>Why the service vacuums its queue table itself: every job leaves dead row versions behind (enqueue, claim,
 * completion; the state is indexed, so none is a HOT update), and the claim reads {@code jobs_claim_index} from its
 * front, where the entries of every job claimed since the last VACUUM lie. Autovacuum's default threshold (20 % of
 * the table, which keeps a week of finished jobs) can let that grow to hundreds of thousands of entries, and where
 * autovacuum is off (as on the machine the benchmark was measured on) it grows without end: on the benchmark's
 * database after ~29k payment jobs one claim of 100 read 340 pages (3.0 ms); after a VACUUM (222 ms) 62 pages
 * (0.26 ms). {@code SKIP_LOCKED}: a node whose VACUUM would wait for another's skips its turn.
 */
public final class JobsMaintenanceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JobsMaintenanceVerticle.class);
  static final String DEPTH_GAUGE = "ledger.jobs.queue.depth";
  private static final long PRUNE_EVERY_MS = 3_600_000;

  private final JobsConfig cfg;
  private final DbConfig db;
  private final NodeState node;
  private final JobStore store = new JobStore();
  private final Map<String, AtomicLong> depths = new LinkedHashMap<>();
  private Pool pool;
  private long timer = -1;
  private long lastPrune;
  private long vacuumTimer = -1;

  /** {@code node} (nullable) gives the metrics registry; {@code queues}: the queues this node runs. */
  public JobsMaintenanceVerticle(JobsConfig cfg, DbConfig db, NodeState node, List<String> queues) {
    this.cfg = cfg;
    this.db = db;
    this.node = node;
    for (String q : queues) depths.putIfAbsent(q, new AtomicLong());
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, db);
    MeterRegistry registry = Meters.registry(node == null ? null : node.registryName);
    depths.forEach((q, depth) -> Gauge.builder(DEPTH_GAUGE, depth, AtomicLong::get)
        .description("Jobs waiting to run (available, scheduled, retryable)").tag("queue", q).register(registry));
    timer = vertx.setPeriodic(0, cfg.idlePollMaxMs(), id -> tick());
    if (cfg.vacuumIntervalMs() > 0) {
      vacuumTimer = vertx.setPeriodic(cfg.vacuumIntervalMs(), id -> store.vacuum(pool)
          .onFailure(err -> LOG.atWarn().addKeyValue("error", err.toString()).log("jobs vacuum failed")));
    }
    return Future.succeededFuture();
  }

  private void tick() {
    depths.forEach((q, depth) -> store.depth(pool, q).onSuccess(depth::set));
    long now = System.currentTimeMillis();
    if (now - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = now;
      store.prune(pool, cfg.pruneDays()).onSuccess(n -> {
        if (n > 0) LOG.atInfo().addKeyValue("deleted", n).log("jobs pruned");
      });
    }
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    if (vacuumTimer >= 0) vertx.cancelTimer(vacuumTimer);
    return pool.close();
  }
}
