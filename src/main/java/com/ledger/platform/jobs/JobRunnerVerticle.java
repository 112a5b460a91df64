package com.ledger.platform.jobs;

import com.ledger.platform.bus.Replies;
import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.observability.NodeState;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
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
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs of one queue on this node with a fixed concurrency (see the package documentation for how a
 * context defines its worker). An ordinary event-loop verticle: all of its state lives on its own context.
 *
 * <p>Loop: claim with {@code FOR UPDATE SKIP LOCKED} (priority, then due time) and a lease ({@code jobs.lease_seconds})
 * while slots are free: a plain {@link JobWorker} gets one job per slot; a {@link BatchJobWorker} gets up to
 * {@code jobs.batch_size} jobs per claim, run together in one slot. Claim again as slots free up. Woken by
 * {@code jobs.<queue>.wake} (clustered publish) and by a poll every {@code jobs.poll_interval_ms} that backs off,
 * doubling, to {@code jobs.idle_poll_max_ms} while claims come back empty (an idle node does not poll the database
 * hot); a retry this runner schedules also wakes it when due. Each poll also rescues jobs whose lease expired (their
 * runner died: they go through the failure path as a {@code timeout}, i.e. retried), refreshes the queue depth gauge
 * and, hourly, prunes old finished jobs. Running jobs' leases are extended every {@code jobs.heartbeat_seconds}.
 *
 * <p>Stop: claims stop at once; running jobs get {@code jobs.shutdown_grace_ms} to finish; the leases of those
 * still running are then released (back to {@code available}) unless their transaction still holds the row, in
 * which case the lease simply expires and another node rescues the job.
 */
public class JobRunnerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunnerVerticle.class);
  private static final long PRUNE_EVERY_MS = 3_600_000;
  private static final int RESCUE_BATCH = 50;

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

  private Pool pool;
  private JobMetrics metrics;
  private final Map<String, JobWorker> workers = new LinkedHashMap<>();
  private String[] allWorkers;
  private String[] plainWorkers;
  private String[] batchWorkers;
  private String runnerId;
  /** Every job this runner holds (for heartbeats and the release on stop). */
  private final Map<UUID, Job> running = new LinkedHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger runningCount = new java.util.concurrent.atomic.AtomicInteger();
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
  private boolean rescuing;
  private long lastPrune;
  private Promise<Void> drained;
  private boolean rescueAgain;
  private UUID membership;
  private HazelcastInstance membershipOf;

  /** A runner for {@code queue} with the node's configured concurrency for it ({@code jobs.queues}). */
  public JobRunnerVerticle(JobsConfig cfg, DbConfig db, String nodeName, NodeState node, String queue,
      WorkerFactory factory) {
    this(cfg, db, nodeName, node, queue, cfg.concurrency(queue), factory);
  }

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
    HazelcastInstance hz = hazelcast();
    if (hz != null) {
      // the cluster member id in locked_by lets a survivor end a dead node's leases the moment the member leaves
      runnerId += "@" + hz.getCluster().getLocalMember().getUuid();
      io.vertx.core.Context ctx = vertx.getOrCreateContext();
      membership = hz.getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent e) {}

        @Override
        public void memberRemoved(MembershipEvent e) {
          String left = e.getMember().getUuid().toString();
          ctx.runOnContext(v -> nodeLeft(left, cfg.leaseSeconds()));
        }
      });
      membershipOf = hz;
    }
    metrics = new JobMetrics(node == null ? null : node.registryName, queue);
    for (JobWorker w : factory.create(vertx, pool)) {
      workers.put(w.name(), w);
      metrics.register(w.name());
    }
    if (workers.isEmpty()) return Future.failedFuture(new IllegalStateException("no workers for queue " + queue));
    allWorkers = workers.keySet().toArray(String[]::new);
    plainWorkers = workers.values().stream().filter(w -> !(w instanceof BatchJobWorker)).map(JobWorker::name)
        .toArray(String[]::new);
    batchWorkers = workers.values().stream().filter(w -> w instanceof BatchJobWorker).map(JobWorker::name)
        .toArray(String[]::new);
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

  /** The poll: claim, rescue expired leases, refresh the depth gauge, prune hourly; then the next poll. */
  private void tick() {
    if (stopping) return;
    claim();
    rescue();
    JobStore.depth(pool, queue).onSuccess(metrics::depth);
    long now = System.currentTimeMillis();
    if (now - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = now;
      JobStore.prune(pool, cfg.pruneDays()).onSuccess(n -> {
        if (n > 0) LOG.atInfo().addKeyValue("queue", queue).addKeyValue("deleted", n).log("jobs pruned");
      });
    }
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
      // an empty round backs the poll off (doubling, up to idle_poll_max_ms); any claimed job resets it
      pollDelayMs = claimedInRound > 0 ? cfg.pollIntervalMs() : Math.min(pollDelayMs * 2, cfg.idlePollMaxMs());
      if (ar.result() || claimAgain) claim();
    });
  }

  /**
   * One round: a batch for the batch workers (one slot), then one job per free slot for the plain workers. Answers
   * whether a claim came back full (more may be waiting).
   */
  private Future<Boolean> claimRound() {
    Future<Boolean> batch = batchWorkers.length == 0 || busySlots >= concurrency ? Future.succeededFuture(false)
        : JobStore.claim(pool, queue, batchWorkers, cfg.batchSize(), runnerId, cfg.leaseSeconds()).map(jobs -> {
          startBatches(jobs);
          return claimed(jobs.size(), cfg.batchSize());
        });
    return batch.compose(batchFull -> {
      int free = concurrency - busySlots;
      if (plainWorkers.length == 0 || free <= 0) return Future.succeededFuture(batchFull);
      return JobStore.claim(pool, queue, plainWorkers, free, runnerId, cfg.leaseSeconds()).map(jobs -> {
        long claimedAt = System.nanoTime();
        for (Job job : jobs) run(job, claimedAt);
        return claimed(jobs.size(), free) || batchFull;
      });
    });
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

  // ------------------------------------------------------------------ running one job

  private void run(Job job, long claimedAt) {
    if (stopping) {
      // claimed while stopping began: give it back at once
      releasing.add(JobStore.release(pool, List.of(job.id()), runnerId));
      return;
    }
    hold(List.of(job));
    JobWorker worker = workers.get(job.worker());
    Future<JsonObject> attempt = worker.transactional() ? runInTransaction(worker, job) : runPlain(worker, job);
    attempt.transform(ar -> {
      if (ar.succeeded()) {
        metrics.outcome(job.worker(), "completed");
        return Future.<Void>succeededFuture();
      }
      if (ar.cause() instanceof LeaseLost) {
        leaseLost(job);
        return Future.<Void>succeededFuture();
      }
      return fail(worker, job, ar.cause(), false);
    }).onComplete(x -> {
      metrics.claimToDone(job.worker(), System.nanoTime() - claimedAt);
      finished(List.of(job));
    });
  }

  private Future<JsonObject> runInTransaction(JobWorker worker, Job job) {
    return pool.withTransaction(tx -> JobStore.fence(tx, job, runnerId).compose(owned -> {
      if (!owned) return Future.failedFuture(new LeaseLost());
      return timed(job.timeoutSeconds(), () -> worker.perform(job, tx))
          .compose(result -> JobStore.complete(tx, job, result)
              .compose(ok -> ok ? Future.succeededFuture(result) : Future.<JsonObject>failedFuture(new LeaseLost())));
    }));
  }

  private Future<JsonObject> runPlain(JobWorker worker, Job job) {
    return timed(job.timeoutSeconds(), () -> worker.perform(job, null))
        .compose(result -> pool.withTransaction(tx -> JobStore.fence(tx, job, runnerId).compose(owned -> owned
            ? JobStore.complete(tx, job, result).map(result)
            : Future.<JsonObject>failedFuture(new LeaseLost()))));
  }

  // ------------------------------------------------------------------ running batches

  /** The claimed jobs of the batch workers: one batch per worker name, each in one slot. */
  private void startBatches(List<Job> jobs) {
    if (jobs.isEmpty()) return;
    if (stopping) {
      releasing.add(JobStore.release(pool, jobs.stream().map(Job::id).toList(), runnerId));
      return;
    }
    long claimedAt = System.nanoTime();
    Map<String, List<Job>> byWorker = new LinkedHashMap<>();
    for (Job job : jobs) byWorker.computeIfAbsent(job.worker(), k -> new ArrayList<>()).add(job);
    byWorker.forEach((name, batch) -> {
      hold(batch);
      attemptBatch((BatchJobWorker) workers.get(name), batch).onComplete(x -> {
        long nanos = System.nanoTime() - claimedAt;
        for (Job job : batch) metrics.claimToDone(job.worker(), nanos);
        finished(batch);
      });
    });
  }

  /**
   * One attempt of a batch; never fails. A batch that failed as a whole committed nothing: each of its jobs then runs
   * alone once more, so the failure lands on the job that causes it (not after a timeout — the statement may still be
   * running — nor while stopping: the leases will expire).
   */
  private Future<Void> attemptBatch(BatchJobWorker worker, List<Job> batch) {
    int timeout = batch.stream().mapToInt(Job::timeoutSeconds).min().orElse(1);
    return timedAny(timeout, () -> worker.performBatch(batch, runnerId, pool)).transform(ar -> {
      if (ar.succeeded()) return settle(worker, batch, ar.result());
      boolean timedOut = ar.cause() instanceof LedgerException le && le.code == ErrorCode.TIMEOUT;
      if (batch.size() > 1 && !timedOut && !stopping) {
        LOG.atInfo().addKeyValue("queue", queue).addKeyValue("worker", worker.name()).addKeyValue("jobs", batch.size())
            .addKeyValue("error", ar.cause().toString()).log("job batch failed; running its jobs one by one");
        Future<Void> each = Future.succeededFuture();
        for (Job job : batch) each = each.compose(v -> attemptBatch(worker, List.of(job)));
        return each;
      }
      List<Future<Void>> failed = new ArrayList<>();
      for (Job job : batch) failed.add(fail(worker, job, ar.cause(), false));
      return Future.join(failed).<Void>mapEmpty().recover(err -> Future.succeededFuture());
    });
  }

  private Future<Void> settle(BatchJobWorker worker, List<Job> batch, Map<UUID, JobOutcome> outcomes) {
    List<Future<Void>> failed = new ArrayList<>();
    for (Job job : batch) {
      JobOutcome o = outcomes == null ? null : outcomes.get(job.id());
      switch (o) {
        case null -> leaseLost(job);
        case JobOutcome.Completed c -> metrics.outcome(job.worker(), "completed");
        case JobOutcome.Failed f -> failed.add(fail(worker, job, f.cause(), false));
      }
    }
    return Future.join(failed).<Void>mapEmpty().recover(err -> Future.succeededFuture());
  }

  /** The attempt, failed with {@code timeout} when it outlives {@code timeoutSeconds}. */
  private Future<JsonObject> timed(int timeoutSeconds, java.util.function.Supplier<Future<JsonObject>> body) {
    return timedAny(timeoutSeconds, body).map(r -> r == null ? new JsonObject() : r);
  }

  private <T> Future<T> timedAny(int timeoutSeconds, java.util.function.Supplier<Future<T>> body) {
    Promise<T> p = Promise.promise();
    long timer = vertx.setTimer(timeoutSeconds * 1000L, id -> p.tryFail(
        new LedgerException(ErrorCode.TIMEOUT, "The job exceeded its timeout of " + timeoutSeconds + " s")));
    Future<T> f;
    try {
      f = body.get();
      if (f == null) f = Future.failedFuture(new IllegalStateException("worker returned no future"));
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) p.tryComplete(ar.result());
      else p.tryFail(ar.cause());
    });
    return p.future();
  }

  private void leaseLost(Job job) {
    metrics.outcome(job.worker(), "lease_lost");
    LOG.atWarn().addKeyValue("job", job.id()).addKeyValue("worker", job.worker()).log("job lease lost");
  }

  // ------------------------------------------------------------------ failures, dead letters, rescue

  /**
   * The failure path: append the error, then retry later or dead-letter (with the worker's {@code onDead} in the
   * same transaction). {@code rescued}: the job was locked by {@link #rescue} (its runner lost the lease).
   */
  private Future<Void> fail(JobWorker worker, Job job, Throwable cause, boolean rescued) {
    if (cause instanceof JobDeferred d && !rescued) return defer(job, d);
    LedgerException le = Replies.toLedger(cause);
    if (!(cause instanceof LedgerException)) {
      LOG.atWarn().addKeyValue("job", job.id()).addKeyValue("worker", job.worker()).setCause(cause)
          .log("job attempt failed unexpectedly");
    }
    JobError error = new JobError(job.attempt(), Instant.now(), le.code, le.getMessage());
    RetryPolicy.Decision decision =
        RetryPolicy.decide(le.code, job.attempt(), job.maxAttempts(), ThreadLocalRandom.current().nextDouble());
    Future<Boolean> applied = pool.withTransaction(tx -> {
      Future<Boolean> owned = rescued ? Future.succeededFuture(true) : JobStore.fence(tx, job, runnerId);
      return owned.compose(mine -> {
        if (!mine) return Future.succeededFuture(false);
        if (decision instanceof RetryPolicy.Retry r) {
          return JobStore.retryLater(tx, job, error, dueIn(r)).map(true);
        }
        return JobStore.dead(tx, job, error).compose(d -> worker.onDead(job, error, tx)).map(true);
      });
    });
    return applied.map(mine -> {
      if (!mine) {
        metrics.outcome(job.worker(), "lease_lost");
      } else if (decision instanceof RetryPolicy.Retry r) {
        metrics.outcome(job.worker(), "retryable");
        wakeAt(dueIn(r));
        LOG.atInfo().addKeyValue("job", job.id()).addKeyValue("worker", job.worker())
            .addKeyValue("attempt", job.attempt()).addKeyValue("reason", error.reason())
            .addKeyValue("retryInMs", r.delayMs()).log("job retry scheduled");
      } else {
        metrics.outcome(job.worker(), "dead");
        metrics.dead(job.worker(), error.reason());
        LOG.atWarn().addKeyValue("job", job.id()).addKeyValue("worker", job.worker()).addKeyValue("queue", queue)
            .addKeyValue("attempt", job.attempt()).addKeyValue("reason", error.reason())
            .addKeyValue("category", error.category()).addKeyValue("message", error.message())
            .log("job dead-lettered");
      }
      return (Void) null;
    }).recover(err -> {
      LOG.atWarn().addKeyValue("job", job.id()).addKeyValue("error", err.toString())
          .log("job failure not recorded; its lease will expire");
      return Future.succeededFuture();
    });
  }

  /** A dependency refused the attempt without trying it: due again at {@code d.at}, the attempt not spent. */
  private Future<Void> defer(Job job, JobDeferred d) {
    JobError error = new JobError(job.attempt(), Instant.now(), d.reason.code, d.reason.getMessage() + " (not attempted)");
    Instant due = d.at.isBefore(Instant.now()) ? Instant.now() : d.at;
    return pool.withTransaction(tx -> JobStore.fence(tx, job, runnerId).compose(mine -> mine
            ? JobStore.defer(tx, job, error, due).map(true) : Future.succeededFuture(false)))
        .map(mine -> {
          metrics.outcome(job.worker(), mine ? "deferred" : "lease_lost");
          if (mine) wakeAt(JobStore.ceilSecond(due));
          return (Void) null;
        }).recover(err -> {
          LOG.atWarn().addKeyValue("job", job.id()).addKeyValue("error", err.toString())
              .log("job deferral not recorded; its lease will expire");
          return Future.succeededFuture();
        });
  }

  /** Jobs of this queue whose lease expired: their runner died or hung. Each one fails as a {@code timeout}. */
  private void rescue() {
    if (stopping) return;
    if (rescuing) {
      rescueAgain = true;
      return;
    }
    rescuing = true;
    rescueAgain = false;
    rescueNext(RESCUE_BATCH).onComplete(ar -> {
      rescuing = false;
      if (rescueAgain) rescue();
    });
  }

  /** The Hazelcast instance of a clustered node, else null. */
  private HazelcastInstance hazelcast() {
    if (!vertx.isClustered()) return null;
    return ((io.vertx.core.internal.VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager h
        ? h.getHazelcastInstance() : null;
  }

  /**
   * Cluster membership says a node is gone: its leases on this queue end now and its jobs are rescued at once
   * (completion stays fenced by runner and attempt, so a node that was only paused cannot complete them). Rows its
   * still-open transactions hold are retried each second; the lease remains the fallback (e.g. a split cluster).
   */
  private void nodeLeft(String nodeId, int passesLeft) {
    if (stopping || passesLeft <= 0) return;
    JobStore.expireNode(pool, queue, nodeId).onComplete(ar -> {
      if (ar.failed()) {
        LOG.atWarn().addKeyValue("queue", queue).addKeyValue("member", nodeId).addKeyValue("error", ar.cause().toString())
            .log("could not end the leases of a departed member; they will expire");
        return;
      }
      int[] r = ar.result();
      if (r[0] > 0) {
        LOG.atInfo().addKeyValue("queue", queue).addKeyValue("member", nodeId).addKeyValue("jobs", r[0])
            .log("rescuing the jobs of a departed cluster member");
        rescue();
      }
      if (r[1] > 0) vertx.setTimer(1000, id -> nodeLeft(nodeId, passesLeft - 1));
    });
  }

  private Future<Void> rescueNext(int budget) {
    if (budget <= 0 || stopping) return Future.succeededFuture();
    Promise<Boolean> found = Promise.promise();
    pool.withTransaction(tx -> JobStore.lockExpired(tx, queue, allWorkers).compose(expired -> {
      if (expired.isEmpty()) return Future.succeededFuture(false);
      Job job = expired.get();
      LOG.atWarn().addKeyValue("job", job.id()).addKeyValue("worker", job.worker())
          .addKeyValue("lostRunner", job.lockedBy()).addKeyValue("attempt", job.attempt()).log("job lease expired");
      return rescueInTx(tx, job).map(true);
    })).onComplete(ar -> {
      if (ar.failed()) {
        LOG.atWarn().addKeyValue("queue", queue).addKeyValue("error", ar.cause().toString()).log("lease rescue failed");
      }
      found.complete(ar.succeeded() && ar.result());
    });
    return found.future().compose(more -> more ? rescueNext(budget - 1) : Future.succeededFuture());
  }

  private Future<Void> rescueInTx(io.vertx.sqlclient.SqlConnection tx, Job job) {
    JobWorker worker = workers.get(job.worker());
    JobError error = new JobError(job.attempt(), Instant.now(), ErrorCode.TIMEOUT,
        "The job's lease expired (its worker stopped or hung)");
    RetryPolicy.Decision d =
        RetryPolicy.decide(ErrorCode.TIMEOUT, job.attempt(), job.maxAttempts(), ThreadLocalRandom.current().nextDouble());
    if (d instanceof RetryPolicy.Retry r) {
      Instant due = dueIn(r);
      return JobStore.retryLater(tx, job, error, due).onSuccess(v -> {
        metrics.outcome(job.worker(), "retryable");
        wakeAt(due);
      });
    }
    return JobStore.dead(tx, job, error).compose(x -> worker.onDead(job, error, tx)).onSuccess(v -> {
      metrics.outcome(job.worker(), "dead");
      metrics.dead(job.worker(), error.reason());
      LOG.atWarn().addKeyValue("job", job.id()).addKeyValue("worker", job.worker()).addKeyValue("reason", "timeout")
          .log("job dead-lettered");
    });
  }

  /** When a retry decided now runs: the delay from now, rounded up to the table's whole seconds. */
  private static Instant dueIn(RetryPolicy.Retry r) {
    return JobStore.ceilSecond(Instant.now().plusMillis(r.delayMs()));
  }

  private void heartbeat() {
    if (running.isEmpty()) return;
    JobStore.heartbeat(pool, new ArrayList<>(running.keySet()), runnerId, cfg.leaseSeconds())
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
      if (running.isEmpty() && drained != null) drained.tryComplete();
      return;
    }
    claim();
  }

  // ------------------------------------------------------------------ shutdown

  @Override
  public Future<?> stop() {
    stopping = true;
    if (membership != null) {
      try {
        membershipOf.getCluster().removeMembershipListener(membership);
      } catch (RuntimeException ignored) {
        // Hazelcast already shut down
      }
    }
    if (pollTimer >= 0) vertx.cancelTimer(pollTimer);
    if (heartbeatTimer >= 0) vertx.cancelTimer(heartbeatTimer);
    Future<Void> unregistered = wake == null ? Future.succeededFuture() : wake.unregister();
    drained = Promise.promise();
    if (running.isEmpty()) drained.tryComplete();
    long grace = cfg.shutdownGraceMs();
    if (!running.isEmpty()) {
      if (grace > 0) vertx.setTimer(grace, id -> drained.tryComplete());
      else drained.tryComplete();
    }
    return unregistered.transform(x -> round).transform(x -> Future.join(releasing)).transform(x -> drained.future())
        .compose(v -> {
      if (running.isEmpty()) return Future.succeededFuture(0);
      List<UUID> left = new ArrayList<>(running.keySet());
      return JobStore.release(pool, left, runnerId).onSuccess(n -> LOG.atInfo().addKeyValue("runner", runnerId)
          .addKeyValue("running", left.size()).addKeyValue("released", n).log("job runner stopped with jobs running"));
    }).recover(err -> Future.succeededFuture(0)).eventually(() -> pool.close());
  }

  /** The attempt's lease was taken over (it expired and another runner rescued the job): its effects rolled back. */
  static final class LeaseLost extends RuntimeException {
    LeaseLost() {
      super("lease lost", null, false, false);
    }
  }
}
