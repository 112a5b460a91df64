package com.ledger.platform.jobs;

import com.ledger.platform.bus.Replies;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failure path of one runner, shared by an attempt that failed and a lease that expired ({@link LeaseRescue}):
 * decide ({@link RetryPolicy}), then, in a transaction that holds the job's row, retry later or dead-letter (with
 * the worker's {@code onDead}), then — once that committed — meter, wake the runner when a retry is due, and log.
 * A deferral ({@link JobDeferred}) and a lost lease end here too.
 */
final class JobFailures {
  /** The runner's logger: these lines keep the logger name they always had. */
  private static final Logger LOG = LoggerFactory.getLogger(JobRunnerVerticle.class);

  /** A failure decided: the error appended to the job and what happens next. */
  record Failure(Job job, JobError error, RetryPolicy.Decision decision) {
    /** When a retry decided now runs: the delay from now, rounded up to the table's whole seconds. */
    Instant due() {
      return decision instanceof RetryPolicy.Retry r ? JobStore.ceilSecond(Instant.now().plusMillis(r.delayMs())) : null;
    }
  }

  private final Pool pool;
  private final JobStore store;
  private final String queue;
  private final String runnerId;
  private final JobMetrics metrics;
  private final Consumer<Instant> wakeAt;

  /** {@code wakeAt}: the runner claims again at that time (a retry it scheduled has come due). */
  JobFailures(Pool pool, JobStore store, String queue, String runnerId, JobMetrics metrics, Consumer<Instant> wakeAt) {
    this.pool = pool;
    this.store = store;
    this.queue = queue;
    this.runnerId = runnerId;
    this.metrics = metrics;
    this.wakeAt = wakeAt;
  }

  /** The decision for a failure of the job's current attempt. */
  static Failure decide(Job job, ErrorCode code, String message) {
    JobError error = new JobError(job.attempt(), Instant.now(), code, message);
    return new Failure(job, error,
        RetryPolicy.decide(code, job.attempt(), job.maxAttempts(), ThreadLocalRandom.current().nextDouble()));
  }

  /** A lease that expired (its runner stopped or hung) fails the attempt as a {@code timeout}. */
  static Failure leaseExpired(Job job) {
    return decide(job, ErrorCode.TIMEOUT, "The job's lease expired (its worker stopped or hung)");
  }

  /**
   * An attempt of this runner failed with {@code cause}: recorded if the runner still owns the attempt (else it
   * counts as a lost lease). Never fails: a failure not recorded leaves the job to the lease's expiry.
   */
  Future<Void> attemptFailed(JobWorker worker, Job job, Throwable cause) {
    if (cause instanceof JobDeferred d) return defer(job, d);
    LedgerException le = Replies.toLedger(cause);
    if (!(cause instanceof LedgerException)) {
      LOG.atWarn().addKeyValue("job", job.id()).addKeyValue("worker", job.worker()).setCause(cause)
          .log("job attempt failed unexpectedly");
    }
    Failure failure = decide(job, le.code, le.getMessage());
    return pool.withTransaction(tx -> store.fence(tx, job, runnerId).compose(mine -> mine
            ? apply(tx, worker, failure).map(true) : Future.succeededFuture(false)))
        .map(mine -> {
          if (mine) recorded(failure);
          else metrics.outcome(job.worker(), "lease_lost");
          return (Void) null;
        }).recover(err -> {
          LOG.atWarn().addKeyValue("job", job.id()).addKeyValue("error", err.toString())
              .log("job failure not recorded; its lease will expire");
          return Future.succeededFuture();
        });
  }

  /** In {@code tx}, which holds the job's row: retry later, or dead-letter with the worker's {@code onDead}. */
  Future<Void> apply(SqlConnection tx, JobWorker worker, Failure f) {
    if (f.decision() instanceof RetryPolicy.Retry) return store.retryLater(tx, f.job(), f.error(), f.due());
    return store.dead(tx, f.job(), f.error()).compose(d -> worker.onDead(f.job(), f.error(), tx));
  }

  /** After {@link #apply} committed: the outcome metered and logged, the runner woken when the retry is due. */
  void recorded(Failure f) {
    Job job = f.job();
    JobError error = f.error();
    if (f.decision() instanceof RetryPolicy.Retry r) {
      metrics.outcome(job.worker(), "retryable");
      wakeAt.accept(f.due());
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
  }

  /** A dependency refused the attempt without trying it: due again at {@code d.at}, the attempt not spent. */
  private Future<Void> defer(Job job, JobDeferred d) {
    JobError error = new JobError(job.attempt(), Instant.now(), d.reason.code, d.reason.getMessage() + " (not attempted)");
    Instant due = d.at.isBefore(Instant.now()) ? Instant.now() : d.at;
    return pool.withTransaction(tx -> store.fence(tx, job, runnerId).compose(mine -> mine
            ? store.defer(tx, job, error, due).map(true) : Future.succeededFuture(false)))
        .map(mine -> {
          metrics.outcome(job.worker(), mine ? "deferred" : "lease_lost");
          if (mine) wakeAt.accept(JobStore.ceilSecond(due));
          return (Void) null;
        }).recover(err -> {
          LOG.atWarn().addKeyValue("job", job.id()).addKeyValue("error", err.toString())
              .log("job deferral not recorded; its lease will expire");
          return Future.succeededFuture();
        });
  }

  /** The attempt's lease was taken over (it expired and another runner rescued the job): its effects rolled back. */
  void leaseLost(Job job) {
    metrics.outcome(job.worker(), "lease_lost");
    LOG.atWarn().addKeyValue("job", job.id()).addKeyValue("worker", job.worker()).log("job lease lost");
  }
}
