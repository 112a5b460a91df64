package com.ledger.platform.jobs;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a runner's claimed attempt runs: one job (its effect inside the completion's transaction, or outside it) or a
 * batch, under the job's timeout, its completion fenced by the lease. Never fails: a failed attempt goes through
 * {@link JobFailures}, a lost lease is counted.
 */
final class JobAttempts {
  /** The runner's logger: these lines keep the logger name they always had. */
  private static final Logger LOG = LoggerFactory.getLogger(JobRunnerVerticle.class);

  private final Vertx vertx;
  private final Pool pool;
  private final JobStore store;
  private final String queue;
  private final String runnerId;
  private final JobMetrics metrics;
  private final JobFailures failures;
  private final BooleanSupplier stopping;

  /** {@code stopping}: whether the runner is stopping (a failed batch is then not split: the leases will expire). */
  JobAttempts(Vertx vertx, Pool pool, JobStore store, String queue, String runnerId, JobMetrics metrics, JobFailures failures,
      BooleanSupplier stopping) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = store;
    this.queue = queue;
    this.runnerId = runnerId;
    this.metrics = metrics;
    this.failures = failures;
    this.stopping = stopping;
  }

  /** One attempt of one job. */
  Future<Void> one(JobWorker worker, Job job) {
    Future<JsonObject> attempt = worker.transactional() ? runInTransaction(worker, job) : runPlain(worker, job);
    return attempt.transform(ar -> {
      if (ar.succeeded()) {
        metrics.outcome(job.worker(), "completed");
        return Future.<Void>succeededFuture();
      }
      if (ar.cause() instanceof LeaseLost) {
        failures.leaseLost(job);
        return Future.<Void>succeededFuture();
      }
      return failures.attemptFailed(worker, job, ar.cause());
    });
  }

  private Future<JsonObject> runInTransaction(JobWorker worker, Job job) {
    return pool.withTransaction(tx -> store.fence(tx, job, runnerId).compose(owned -> {
      if (!owned) return Future.failedFuture(new LeaseLost());
      return timed(job.timeoutSeconds(), () -> worker.perform(job, tx))
          .compose(result -> store.complete(tx, job, result)
              .compose(ok -> ok ? Future.succeededFuture(result) : Future.<JsonObject>failedFuture(new LeaseLost())));
    }));
  }

  private Future<JsonObject> runPlain(JobWorker worker, Job job) {
    return timed(job.timeoutSeconds(), () -> worker.perform(job, null))
        .compose(result -> pool.withTransaction(tx -> store.fence(tx, job, runnerId).compose(owned -> owned
            ? store.complete(tx, job, result).map(result)
            : Future.<JsonObject>failedFuture(new LeaseLost()))));
  }

  /**
   * One attempt of a batch; never fails. A batch that failed as a whole committed nothing: each of its jobs then runs
   * alone once more, so the failure lands on the job that causes it (not after a timeout — the statement may still be
   * running — nor while stopping: the leases will expire).
   */
  Future<Void> batch(BatchJobWorker worker, List<Job> batch) {
    int timeout = batch.stream().mapToInt(Job::timeoutSeconds).min().orElse(1);
    return timedAny(timeout, () -> worker.performBatch(batch, runnerId, pool)).transform(ar -> {
      if (ar.succeeded()) return settle(worker, batch, ar.result());
      boolean timedOut = ar.cause() instanceof LedgerException le && le.code == ErrorCode.TIMEOUT;
      if (batch.size() > 1 && !timedOut && !stopping.getAsBoolean()) {
        LOG.atInfo().addKeyValue("queue", queue).addKeyValue("worker", worker.name()).addKeyValue("jobs", batch.size())
            .addKeyValue("error", ar.cause().toString()).log("job batch failed; running its jobs one by one");
        Future<Void> each = Future.succeededFuture();
        for (Job job : batch) each = each.compose(v -> batch(worker, List.of(job)));
        return each;
      }
      List<Future<Void>> failed = new ArrayList<>();
      for (Job job : batch) failed.add(failures.attemptFailed(worker, job, ar.cause()));
      return Future.join(failed).<Void>mapEmpty().recover(err -> Future.succeededFuture());
    });
  }

  /**
   * One run of a worker that claims inside it ({@link BatchJobWorker#claimAndRun}). Fails only when the run's
   * statement failed (nothing committed). The jobs that failed in it, claimed by it, have their failures recorded
   * like any claimed job's before the future completes.
   */
  Future<PickedRun> picked(BatchJobWorker worker, int limit, int leaseSeconds) {
    Future<PickedRun> run;
    try {
      run = worker.claimAndRun(queue, limit, runnerId, leaseSeconds, pool);
    } catch (RuntimeException e) {
      run = Future.failedFuture(e);
    }
    return run.compose(r -> {
      for (int i = 0; i < r.completed(); i++) metrics.outcome(worker.name(), "completed");
      if (r.failed().isEmpty()) return Future.succeededFuture(r);
      return store.getAll(pool, List.copyOf(r.failed().keySet())).compose(jobs -> {
        List<Future<Void>> recorded = new ArrayList<>();
        for (Job job : jobs) recorded.add(failures.attemptFailed(worker, job, r.failed().get(job.id()).apply(job)));
        return Future.join(recorded).<Void>mapEmpty();
      }).recover(err -> {
        // the failed jobs stay executing under this runner's lease: the lease rescue records them when it expires
        LOG.atWarn().addKeyValue("queue", queue).addKeyValue("worker", worker.name())
            .addKeyValue("jobs", r.failed().size()).addKeyValue("error", err.toString())
            .log("recording the failures of a run failed");
        return Future.succeededFuture();
      }).map(r);
    });
  }

  private Future<Void> settle(BatchJobWorker worker, List<Job> batch, Map<UUID, JobOutcome> outcomes) {
    List<Future<Void>> failed = new ArrayList<>();
    for (Job job : batch) {
      JobOutcome o = outcomes == null ? null : outcomes.get(job.id());
      switch (o) {
        case null -> failures.leaseLost(job);
        case JobOutcome.Completed c -> metrics.outcome(job.worker(), "completed");
        case JobOutcome.Failed f -> failed.add(failures.attemptFailed(worker, job, f.cause()));
      }
    }
    return Future.join(failed).<Void>mapEmpty().recover(err -> Future.succeededFuture());
  }

  /** The attempt, failed with {@code timeout} when it outlives {@code timeoutSeconds}. */
  private Future<JsonObject> timed(int timeoutSeconds, Supplier<Future<JsonObject>> body) {
    return timedAny(timeoutSeconds, body).map(r -> r == null ? new JsonObject() : r);
  }

  private <T> Future<T> timedAny(int timeoutSeconds, Supplier<Future<T>> body) {
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

  /** The attempt's lease was taken over (it expired and another runner rescued the job): its effects rolled back. */
  static final class LeaseLost extends RuntimeException {
    LeaseLost() {
      super("lease lost", null, false, false);
    }
  }
}
