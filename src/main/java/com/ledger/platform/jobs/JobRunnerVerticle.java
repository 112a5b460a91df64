package com.ledger.platform.jobs;

import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.observability.NodeState;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs of one queue on this node with a fixed concurrency (see the package documentation for how a
 * context defines its worker; {@link JobRunners} deploys it). An ordinary event-loop verticle: all of its state lives
 * on its own context.
 *
 * <p>Loop: claim with {@code FOR UPDATE SKIP LOCKED} (priority, then due time) and a lease ({@code jobs.lease_seconds})
 * while slots are free: a plain {@link JobWorker} gets one job per slot; a {@link BatchJobWorker} gets up to
 * {@code jobs.batch_size} jobs per claim, run together in one slot; a batch worker that claims inside its run
 * ({@link BatchJobWorker#claimAndRun}, the queue's only batch worker) gets a slot per run instead, each picking,
 * running and completing up to {@code jobs.batch_size} jobs in one transaction without a lease (a claim with a lease
 * follows a run that could run none of what it picked, or failed); a run starts beside another only when the last
 * run was full, else the run in flight claims again when it ends. Claim again as slots free up. Woken by
 * {@code jobs.<queue>.wake} (clustered publish) and by a poll every {@code jobs.poll_interval_ms} that backs off,
 * doubling, to {@code jobs.idle_poll_max_ms} while claims come back empty (an idle node does not poll the database
 * hot); a retry this runner schedules also wakes it when due. Each poll also rescues jobs whose lease expired
 * ({@link LeaseRescue}). Running jobs' leases are extended every {@code jobs.heartbeat_seconds}. How an attempt runs
 * (timeout, fenced completion, batches) is {@link JobAttempts}'; a failed attempt goes through {@link JobFailures};
 * the node's queue-depth gauge and pruning are {@link JobsMaintenanceVerticle}'s.
 *
 * <p>Stop: claims stop at once; stop waits for the claim round in flight and for the release of any job it claimed
 * once stopping began; running jobs get {@code jobs.shutdown_grace_ms} to finish; the leases of those still running
 * are then released (back to {@code available}) unless their transaction still holds the row, in which case the
 * lease simply expires and another node rescues the job.
 */
public final class JobRunnerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunnerVerticle.class);

  /** Builds the workers once the verticle has its Vert.x instance and the node's pool. */
  @FunctionalInterface
  public interface WorkerFactory {
    List<JobWorker> create(Vertx vertx, Pool pool);
  }

  private final JobsConfig cfg;
  private final DbConfig db;
  private final String nodeName;
  private final NodeState node;
  private final String queue;
  private final int concurrency;
  private final WorkerFactory factory;
  private final JobStore store = new JobStore();

  private Pool pool;
  private JobMetrics metrics;
  private JobFailures failures;
  private JobAttempts attempts;
  private LeaseRescue rescue;
  private final Map<String, JobWorker> workers = new LinkedHashMap<>();
  private String[] plainWorkers;
  private String[] batchWorkers;
  /** The queue's only batch worker when it claims inside its run ({@link BatchJobWorker#claimsInItsRun}), else null. */
  private BatchJobWorker inRun;
  /** Runs of {@link #inRun} in flight (each in a slot). */
  private int runsInFlight;
  /** Whether the last run picked a full batch (more may be waiting). */
  private boolean lastRunFull;
  /** A wake-up came while a run was in flight and started none ({@link #afterTheRun}): claim when a run ends. */
  private boolean claimAfterRun;
  /** The next batch is claimed with a lease (the last run could run none of what it picked, or failed). */
  private boolean byLease;
  /** Whether the claim round in flight started a run (its poll backoff is decided when the run ends). */
  private boolean ranInRound;
  private String runnerId;
  /** Every job this runner holds (for heartbeats and the release on stop). */
  private final Map<UUID, Job> running = new LinkedHashMap<>();
  private final AtomicInteger runningCount = new AtomicInteger();
  /** Slots in use: one per plain job, one per batch. */
  private int busySlots;
  private MessageConsumer<Object> wake;
  private long pollTimer = -1;
  private long pollDelayMs;
  private long heartbeatTimer = -1;
  private boolean stopping;
  private boolean claiming;
  /** The claim round in flight (stop waits for it: jobs it claims while stopping are given back first). */
  private Future<Boolean> round = Future.succeededFuture(false);
  /** Releases of jobs claimed while stopping began (stop waits for them before it closes the pool). */
  private final List<Future<Integer>> releasing = new ArrayList<>();
  private boolean claimAgain;
  private int claimedInRound;
  private Promise<Void> drained;

  /** {@code node} (nullable) gives the metrics registry and a {@code jobs_<queue>} section of the detailed health. */
  public JobRunnerVerticle(JobsConfig cfg, DbConfig db, String nodeName, NodeState node, String queue,
      int concurrency, WorkerFactory factory) {
    if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1");
    this.cfg = cfg;
    this.db = db;
    this.nodeName = nodeName;
    this.node = node;
    this.queue = queue;
    this.concurrency = concurrency;
    this.factory = factory;
  }

  /** {@code <node>:<queue>:<8 hex>}: the {@code locked_by} of this runner's claims. */
  public String runnerId() {
    return runnerId;
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, db);
    runnerId = nodeName + ":" + queue + ":" + UUID.randomUUID().toString().substring(0, 8);
    HazelcastInstance hz = LeaseRescue.hazelcast(vertx);
    // the cluster member id in locked_by lets a survivor end a dead node's leases the moment the member leaves
    if (hz != null) runnerId += "@" + hz.getCluster().getLocalMember().getUuid();
    metrics = new JobMetrics(node == null ? null : node.registryName, queue);
    for (JobWorker w : factory.create(vertx, pool)) {
      workers.put(w.name(), w);
      metrics.register(w.name());
    }
    if (workers.isEmpty()) return Future.failedFuture(new IllegalStateException("no workers for queue " + queue));
    failures = new JobFailures(pool, store, queue, runnerId, metrics, this::wakeAt);
    attempts = new JobAttempts(vertx, pool, store, queue, runnerId, metrics, failures, () -> stopping);
    rescue = new LeaseRescue(vertx, pool, store, queue, workers, failures, cfg.leaseSeconds());
    if (hz != null) rescue.watchMembers(hz);
    plainWorkers = workers.values().stream().filter(w -> !(w instanceof BatchJobWorker)).map(JobWorker::name)
        .toArray(String[]::new);
    batchWorkers = workers.values().stream().filter(w -> w instanceof BatchJobWorker).map(JobWorker::name)
        .toArray(String[]::new);
    if (batchWorkers.length == 1 && workers.get(batchWorkers[0]) instanceof BatchJobWorker b && b.claimsInItsRun()) {
      inRun = b;
    }
    pollDelayMs = cfg.pollIntervalMs();
    wake = vertx.eventBus().consumer(Jobs.wakeAddress(queue), m -> claim());
    heartbeatTimer = vertx.setPeriodic(cfg.heartbeatSeconds() * 1000L, id -> heartbeat());
    if (node != null) {
      String id = runnerId;
      node.contribute("jobs_" + queue, () -> new JsonObject().put("runner", id).put("concurrency", concurrency)
          .put("running", runningCount.get()).put("waiting", metrics.depthValue()));
    }
    return wake.completion().onSuccess(v -> {
      LOG.atInfo().addKeyValue("runner", runnerId).addKeyValue("workers", workers.keySet())
          .addKeyValue("concurrency", concurrency).addKeyValue("batchSize", cfg.batchSize())
          .log("job runner started");
      tick();
    });
  }

  /** The poll: claim, rescue expired leases; then the next poll. */
  private void tick() {
    if (stopping) return;
    claim();
    rescue.rescue();
    pollTimer = vertx.setTimer(pollDelayMs, id -> tick());
  }

  // ------------------------------------------------------------------ claiming

  private void claim() {
    if (stopping) return;
    if (claiming) {
      claimAgain = true;
      return;
    }
    if (busySlots >= concurrency) return;
    claiming = true;
    claimAgain = false;
    claimedInRound = 0;
    round = claimRound();
    round.onComplete(ar -> {
      claiming = false;
      if (ar.failed()) {
        LOG.atWarn().addKeyValue("queue", queue).addKeyValue("error", ar.cause().toString()).log("job claim failed");
        return;
      }
      // an empty round backs the poll off (doubling, up to idle_poll_max_ms); any claimed job resets it (a run's
      // round: when the run ends)
      if (!ranInRound) pollDelay(claimedInRound > 0);
      if (ar.result() || claimAgain) claim();
    });
  }

  /**
   * One round: a batch for the batch workers (one slot), then one job per free slot for the plain workers. Answers
   * whether a claim came back full (more may be waiting).
   */
  private Future<Boolean> claimRound() {
    ranInRound = false;
    Future<Boolean> batch;
    if (batchWorkers.length == 0 || busySlots >= concurrency) {
      batch = Future.succeededFuture(false);
    } else if (inRun != null && !byLease) {
      batch = Future.succeededFuture(runsInFlight > 0 && !lastRunFull ? afterTheRun() : startRun());
    } else {
      byLease = false;
      batch = store.claim(pool, queue, batchWorkers, cfg.batchSize(), runnerId, cfg.leaseSeconds()).map(jobs -> {
        startBatches(jobs);
        return claimed(jobs.size(), cfg.batchSize());
      });
    }
    return batch.compose(batchFull -> {
      int free = concurrency - busySlots;
      if (plainWorkers.length == 0 || free <= 0) return Future.succeededFuture(batchFull);
      return store.claim(pool, queue, plainWorkers, free, runnerId, cfg.leaseSeconds()).map(jobs -> {
        long claimedAt = System.nanoTime();
        for (Job job : jobs) run(job, claimedAt);
        return claimed(jobs.size(), free) || batchFull;
      });
    });
  }

  /**
   * A wake-up (or poll) while a run is in flight and the last run was not full: no second run now. A run beside one
   * that picks what is waiting would pick only what came since, a few jobs, and defer those whose accounts the first
   * holds, to pick them again later: per job it cost the database more than the run it joins (bench/run, 2026-12-02:
   * with payments:1 the async figure was 0.75-0.90 of pgbench against 0.49-0.59 with two runs at a time). The
   * run in flight claims again when it ends, so what woke this one is picked then. A full last run (a backlog of a
   * batch or more) still starts the next slot's run at once.
   */
  private boolean afterTheRun() {
    ranInRound = true; // the poll's backoff is decided when the run in flight ends
    claimAfterRun = true;
    return false;
  }

  private void pollDelay(boolean claimedAny) {
    pollDelayMs = claimedAny ? cfg.pollIntervalMs() : Math.min(pollDelayMs * 2, cfg.idlePollMaxMs());
  }

  /**
   * One run of {@link #inRun} in a slot: it picks, runs and completes its jobs in one transaction. Answers whether
   * the next slot should start one at once (the last run was full). When it ends: an empty run backs the poll off; a
   * run that could run none of what it picked (all deferred), or whose statement failed, has the next batch claimed
   * with a lease, whose run waits its turn (so no job starves and a failing job is isolated as in any batch).
   */
  private boolean startRun() {
    ranInRound = true;
    busySlots++;
    runsInFlight++;
    long started = System.nanoTime();
    attempts.picked(inRun, cfg.batchSize(), cfg.leaseSeconds()).onComplete(ar -> {
      busySlots--;
      runsInFlight--;
      if (ar.succeeded()) {
        PickedRun r = ar.result();
        long nanos = System.nanoTime() - started;
        for (int i = 0; i < r.completed(); i++) metrics.claimToDone(inRun.name(), nanos);
        lastRunFull = r.picked() == cfg.batchSize();
        byLease = r.picked() > 0 && r.picked() == r.deferred();
        pollDelay(r.picked() > 0);
      } else {
        LOG.atWarn().addKeyValue("queue", queue).addKeyValue("worker", inRun.name())
            .addKeyValue("error", ar.cause().toString()).log("job run failed; claiming its next batch with a lease");
        lastRunFull = false;
        byLease = true;
      }
      if (stopping) {
        drainedIfIdle();
      } else if (byLease || claimAfterRun || (ar.succeeded() && ar.result().picked() > 0)) {
        claimAfterRun = false;
        claim();
      }
    });
    return lastRunFull && busySlots < concurrency;
  }

  private boolean claimed(int n, int limit) {
    claimedInRound += n;
    return n == limit;
  }

  /** Claim again once {@code due} has come (a retry this runner scheduled), whatever the poll's backoff. */
  private void wakeAt(Instant due) {
    long ms = Math.max(0, Duration.between(Instant.now(), due).toMillis()) + 20;
    vertx.setTimer(ms, id -> claim());
  }

  // ------------------------------------------------------------------ running what was claimed

  private void run(Job job, long claimedAt) {
    if (stopping) {
      // claimed while stopping began: give it back at once
      releasing.add(store.release(pool, List.of(job.id()), runnerId));
      return;
    }
    hold(List.of(job));
    attempts.one(workers.get(job.worker()), job).onComplete(x -> {
      metrics.claimToDone(job.worker(), System.nanoTime() - claimedAt);
      finished(List.of(job));
    });
  }

  /** The claimed jobs of the batch workers: one batch per worker name, each in one slot. */
  private void startBatches(List<Job> jobs) {
    if (jobs.isEmpty()) return;
    if (stopping) {
      releasing.add(store.release(pool, jobs.stream().map(Job::id).toList(), runnerId));
      return;
    }
    long claimedAt = System.nanoTime();
    Map<String, List<Job>> byWorker = new LinkedHashMap<>();
    for (Job job : jobs) byWorker.computeIfAbsent(job.worker(), k -> new ArrayList<>()).add(job);
    byWorker.forEach((name, batch) -> {
      hold(batch);
      attempts.batch((BatchJobWorker) workers.get(name), batch).onComplete(x -> {
        long nanos = System.nanoTime() - claimedAt;
        for (Job job : batch) metrics.claimToDone(job.worker(), nanos);
        finished(batch);
      });
    });
  }

  // ------------------------------------------------------------------ leases held

  private void heartbeat() {
    if (running.isEmpty()) return;
    store.heartbeat(pool, new ArrayList<>(running.keySet()), runnerId, cfg.leaseSeconds())
        .onFailure(err -> LOG.atWarn().addKeyValue("runner", runnerId).addKeyValue("error", err.toString())
            .log("lease heartbeat failed"));
  }

  private void hold(List<Job> jobs) {
    busySlots++;
    for (Job job : jobs) running.put(job.id(), job);
    runningCount.set(running.size());
  }

  private void finished(List<Job> jobs) {
    busySlots--;
    for (Job job : jobs) running.remove(job.id());
    runningCount.set(running.size());
    if (stopping) {
      drainedIfIdle();
      return;
    }
    claim();
  }

  // ------------------------------------------------------------------ shutdown

  private boolean idle() {
    return running.isEmpty() && runsInFlight == 0;
  }

  private void drainedIfIdle() {
    if (idle() && drained != null) drained.tryComplete();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (rescue != null) rescue.stop();
    if (pollTimer >= 0) vertx.cancelTimer(pollTimer);
    if (heartbeatTimer >= 0) vertx.cancelTimer(heartbeatTimer);
    Future<Void> unregistered = wake == null ? Future.succeededFuture() : wake.unregister();
    drained = Promise.promise();
    if (idle()) drained.tryComplete();
    long grace = cfg.shutdownGraceMs();
    if (!idle()) {
      if (grace > 0) vertx.setTimer(grace, id -> drained.tryComplete());
      else drained.tryComplete();
    }
    return unregistered.transform(x -> round).transform(x -> Future.join(releasing)).transform(x -> drained.future())
        .compose(v -> {
      if (running.isEmpty()) return Future.succeededFuture(0);
      List<UUID> left = new ArrayList<>(running.keySet());
      return store.release(pool, left, runnerId).onSuccess(n -> LOG.atInfo().addKeyValue("runner", runnerId)
          .addKeyValue("running", left.size()).addKeyValue("released", n).log("job runner stopped with jobs running"));
    }).recover(err -> Future.succeededFuture(0)).eventually(() -> pool.close());
  }
}
