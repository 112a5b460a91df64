package com.ledger.platform.jobs;

import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.config.AppConfig.JobsOverviewConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.observability.NodeState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job queues as PostgreSQL sees them, on every node that serves metrics (whatever runs the workers): per queue
 * the jobs waiting (due, not claimed), the age of the oldest one, the jobs claimed (executing) and the dead letters,
 * as {@code ledger_jobs_waiting}, {@code ledger_jobs_oldest_waiting_age_seconds}, {@code ledger_jobs_claimed} and
 * {@code ledger_jobs_dead_letters} gauges, refreshed every {@code jobs.overview_interval_ms}. A queue whose oldest
 * job has waited longer than {@code jobs.stale_after_seconds} with nothing claimed is {@code stalled}: the
 * {@code jobs} section of /api/health/detailed says so and the node reports {@code degraded}.
 */
public final class JobsOverviewVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JobsOverviewVerticle.class);
  record QueueStats(long waiting, double oldestSeconds, long claimed, long dead) {}

  private final DbConfig db;
  private final JobsOverviewConfig cfg;
  private final NodeState node;
  private final int staleAfterSeconds;
  private final int intervalMs;
  private final JobStore store = new JobStore();
  private final Map<String, AtomicReference<QueueStats>> queues = new ConcurrentHashMap<>();
  private Pool pool;
  private MeterRegistry registry;
  private long timer = -1;

  public JobsOverviewVerticle(DbConfig db, JobsOverviewConfig cfg, NodeState node) {
    this.db = db;
    this.cfg = cfg;
    this.node = node;
    this.staleAfterSeconds = cfg.staleAfterSeconds();
    this.intervalMs = cfg.intervalMs();
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, db);
    registry = BackendRegistries.getNow(node.registryName);
    cfg.queues().forEach(this::queue);
    node.contribute("jobs", this::describe);
    timer = vertx.setPeriodic(1, intervalMs, id -> refresh());
    return Future.succeededFuture();
  }

  private AtomicReference<QueueStats> queue(String name) {
    return queues.computeIfAbsent(name, q -> {
      AtomicReference<QueueStats> ref = new AtomicReference<>(new QueueStats(0, 0, 0, 0));
      if (registry != null) {
        Gauge.builder("ledger.jobs.waiting", ref, r -> r.get().waiting()).tag("queue", q)
            .description("Jobs due and not claimed (PostgreSQL, all nodes)").register(registry);
        Gauge.builder("ledger.jobs.oldest.waiting.age.seconds", ref, r -> r.get().oldestSeconds()).tag("queue", q)
            .description("How long the oldest due, unclaimed job has waited").register(registry);
        Gauge.builder("ledger.jobs.claimed", ref, r -> r.get().claimed()).tag("queue", q)
            .description("Jobs claimed by a worker (executing, all nodes)").register(registry);
        Gauge.builder("ledger.jobs.dead.letters", ref, r -> r.get().dead()).tag("queue", q)
            .description("Jobs in the dead-letter state").register(registry);
      }
      return ref;
    });
  }

  private void refresh() {
    store.queueStats(pool).onSuccess(seen -> {
      queues.keySet().forEach(q -> seen.putIfAbsent(q, new QueueStats(0, 0, 0, 0)));
      seen.forEach((q, s) -> queue(q).set(s));
    }).onFailure(err -> LOG.atDebug().addKeyValue("error", err.toString()).log("job overview not refreshed"));
  }

  private boolean stalled(QueueStats s) {
    return s.waiting() > 0 && s.claimed() == 0 && s.oldestSeconds() > staleAfterSeconds;
  }

  /** The detailed-health section; {@code healthy: false} makes the node report degraded. */
  JsonObject describe() {
    JsonObject out = new JsonObject();
    boolean healthy = true;
    for (var e : new java.util.TreeMap<>(queues).entrySet()) {
      QueueStats s = e.getValue().get();
      boolean stalled = stalled(s);
      healthy &= !stalled;
      out.put(e.getKey(), new JsonObject().put("waiting", s.waiting())
          .put("oldest_waiting_seconds", Math.round(s.oldestSeconds())).put("claimed", s.claimed())
          .put("dead", s.dead()).put("status", stalled ? "stalled" : "ok"));
    }
    return new JsonObject().put("healthy", healthy).put("stale_after_seconds", staleAfterSeconds).put("queues", out);
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    return pool.close();
  }
}
