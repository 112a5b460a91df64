package com.ledger.platform.jobs;

import com.ledger.platform.bus.Replies;
import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.observability.NodeState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
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
 * <p>Loop: claim up to the free slots with {@code FOR UPDATE SKIP LOCKED} (priority, then due time) and a lease
 * ({@code jobs.lease_seconds}); run each job; claim again as slots free up. Woken by {@code jobs.<queue>.wake}
 * (clustered publish) and by a poll every {@code jobs.poll_interval_ms}, which also rescues jobs whose lease expired
 * (their runner died: they go through the failure path as a {@code timeout}, i.e. retried), refreshes the queue
 * depth gauge and, hourly, prunes old finished jobs. Running jobs' leases are extended every
 * {@code jobs.heartbeat_seconds}.
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
  private final String registryName;
  private final String queue;
  private final int concurrency;
  private final WorkerFactory factory;

  private Pool pool;
  private JobMetrics metrics;
  private final Map<String, JobWorker> workers = new LinkedHashMap<>();
  private String[] workerNames;
  private String runnerId;
  private final Map<UUID, Job> running = new LinkedHashMap<>();
  private MessageConsumer<Object> wake;
  private long pollTimer = -1;
  private long heartbeatTimer = -1;
  private boolean stopping;
  private boolean claiming;
  private boolean claimAgain;
  private boolean rescuing;
  private long lastPrune;
  private Promise<Void> drained;

  /** A runner for {@code queue} with the node's configured concurrency for it ({@code jobs.queues}). */
  public JobRunnerVerticle(AppConfig app, NodeState node, String queue, WorkerFactory factory) {
    this(JobsConfig.from(app.raw()), app.db(), app.nodeName(), node == null ? null : node.registryName, queue,
        JobsConfig.from(app.raw()).concurrency(queue), factory);
  }

  public JobRunnerVerticle(JobsConfig cfg, DbConfig db, String nodeName, String registryName, String queue,
      int concurrency, WorkerFactory factory) {
    if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1");
    this.cfg = cfg;
    this.db = db;
    this.nodeName = nodeName;
    this.registryName = registryName;
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
    metrics = new JobMetrics(registryName, queue);
    for (JobWorker w : factory.create(vertx, pool)) {
      workers.put(w.name(), w);
      metrics.register(w.name());
    }
    if (workers.isEmpty()) return Future.failedFuture(new IllegalStateException("no workers for queue " + queue));
    workerNames = workers.keySet().toArray(String[]::new);
    wake = vertx.eventBus().consumer(Jobs.wakeAddress(queue), m -> claim());
    pollTimer = vertx.setPeriodic(cfg.pollIntervalMs(), id -> tick());
    heartbeatTimer = vertx.setPeriodic(cfg.heartbeatSeconds() * 1000L, id -> heartbeat());
    return wake.completion().onSuccess(v -> {
      LOG.atInfo().addKeyValue("runner", runnerId).addKeyValue("workers", workers.keySet())
          .addKeyValue("concurrency", concurrency).log("job runner started");
      tick();
    });
  }

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
  }

  // ------------------------------------------------------------------ claiming

  private void claim() {
    if (stopping) return;
    if (claiming) {
      claimAgain = true;
      return;
    }
    int free = concurrency - running.size();
    if (free <= 0) return;
    claiming = true;
    claimAgain = false;
    JobStore.claim(pool, queue, workerNames, free, runnerId, cfg.leaseSeconds()).onComplete(ar -> {
      claiming = false;
      if (ar.succeeded()) {
        long claimedAt = System.nanoTime();
        for (Job job : ar.result()) run(job, claimedAt);
        if (ar.result().size() == free) claimAgain = true;
      } else {
        LOG.atWarn().addKeyValue("queue", queue).addKeyValue("error", ar.cause().toString()).log("job claim failed");
      }
      if (claimAgain && ar.succeeded()) claim();
    });
  }

  // ------------------------------------------------------------------ running

  private void run(Job job, long claimedAt) {
    if (stopping) {
      // claimed while stopping began: give it back at once
      JobStore.release(pool, List.of(job.id()), runnerId);
      return;
    }
    running.put(job.id(), job);
    JobWorker worker = workers.get(job.worker());
    Future<JsonObject> attempt = worker.transactional() ? runInTransaction(worker, job) : runPlain(worker, job);
    attempt.onComplete(ar -> {
      Future<?> after;
      if (ar.succeeded()) {
        metrics.outcome(job.worker(), "completed");
        after = Future.succeededFuture();
      } else if (ar.cause() instanceof LeaseLost) {
        metrics.outcome(job.worker(), "lease_lost");
        LOG.atWarn().addKeyValue("job", job.id()).addKeyValue("worker", job.worker()).log("job lease lost");
        after = Future.succeededFuture();
      } else {
        after = fail(worker, job, ar.cause(), false);
      }
      after.onComplete(x -> {
        metrics.claimToDone(job.worker(), System.nanoTime() - claimedAt);
        finished(job);
      });
    });
  }

  private Future<JsonObject> runInTransaction(JobWorker worker, Job job) {
    return pool.withTransaction(tx -> JobStore.fence(tx, job, runnerId).compose(owned -> {
      if (!owned) return Future.failedFuture(new LeaseLost());
      return timed(job, () -> worker.perform(job, tx))
          .compose(result -> JobStore.complete(tx, job, result)
              .compose(ok -> ok ? Future.succeededFuture(result) : Future.<JsonObject>failedFuture(new LeaseLost())));
    }));
  }

  private Future<JsonObject> runPlain(JobWorker worker, Job job) {
    return timed(job, () -> worker.perform(job, null))
        .compose(result -> pool.withTransaction(tx -> JobStore.fence(tx, job, runnerId).compose(owned -> owned
            ? JobStore.complete(tx, job, result).map(result)
            : Future.<JsonObject>failedFuture(new LeaseLost()))));
  }

  /** The attempt, failed with {@code timeout} when it outlives the job's {@code timeout_seconds}. */
  private Future<JsonObject> timed(Job job, java.util.function.Supplier<Future<JsonObject>> body) {
    Promise<JsonObject> p = Promise.promise();
    long timer = vertx.setTimer(job.timeoutSeconds() * 1000L, id -> p.tryFail(
        new LedgerException(ErrorCode.TIMEOUT, "The job exceeded its timeout of " + job.timeoutSeconds() + " s")));
    Future<JsonObject> f;
    try {
      f = body.get();
      if (f == null) f = Future.failedFuture(new IllegalStateException("worker returned no future"));
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) p.tryComplete(ar.result() == null ? new JsonObject() : ar.result());
      else p.tryFail(ar.cause());
    });
    return p.future();
  }

  // ------------------------------------------------------------------ failures, dead letters, rescue

  /**
   * The failure path: append the error, then retry later or dead-letter (with the worker's {@code onDead} in the
   * same transaction). {@code rescued}: the job was locked by {@link #rescue} (its runner lost the lease).
   */
  private Future<Void> fail(JobWorker worker, Job job, Throwable cause, boolean rescued) {
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
          return JobStore.retryLater(tx, job, error, Instant.now().plusMillis(r.delayMs())).map(true);
        }
        return JobStore.dead(tx, job, error).compose(d -> worker.onDead(job, error, tx)).map(true);
      });
    });
    return applied.map(mine -> {
      if (!mine) {
        metrics.outcome(job.worker(), "lease_lost");
      } else if (decision instanceof RetryPolicy.Retry r) {
        metrics.outcome(job.worker(), "retryable");
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

  /** Jobs of this queue whose lease expired: their runner died or hung. Each one fails as a {@code timeout}. */
  private void rescue() {
    if (rescuing || stopping) return;
    rescuing = true;
    rescueNext(RESCUE_BATCH).onComplete(ar -> rescuing = false);
  }

  private Future<Void> rescueNext(int budget) {
    if (budget <= 0 || stopping) return Future.succeededFuture();
    Promise<Boolean> found = Promise.promise();
    pool.withTransaction(tx -> JobStore.lockExpired(tx, queue, workerNames).compose(expired -> {
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
      return JobStore.retryLater(tx, job, error, Instant.now().plusMillis(r.delayMs()))
          .onSuccess(v -> metrics.outcome(job.worker(), "retryable"));
    }
    return JobStore.dead(tx, job, error).compose(x -> worker.onDead(job, error, tx)).onSuccess(v -> {
      metrics.outcome(job.worker(), "dead");
      metrics.dead(job.worker(), error.reason());
      LOG.atWarn().addKeyValue("job", job.id()).addKeyValue("worker", job.worker()).addKeyValue("reason", "timeout")
          .log("job dead-lettered");
    });
  }

  private void heartbeat() {
    if (running.isEmpty()) return;
    JobStore.heartbeat(pool, new ArrayList<>(running.keySet()), runnerId, cfg.leaseSeconds())
        .onFailure(err -> LOG.atWarn().addKeyValue("runner", runnerId).addKeyValue("error", err.toString())
            .log("lease heartbeat failed"));
  }

  private void finished(Job job) {
    running.remove(job.id());
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
    return unregistered.transform(x -> drained.future()).compose(v -> {
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
