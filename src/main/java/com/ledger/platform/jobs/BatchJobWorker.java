package com.ledger.platform.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A worker that runs many claimed jobs at once: the runner claims up to {@code jobs.batch_size} of its jobs in one
 * round trip and hands them over together; each batch occupies one of the queue's concurrency slots.
 *
 * <p>The contract (what makes it exactly-once): in ONE database transaction (e.g. a single autocommit statement
 * calling a function) — or in several side by side, each doing all of this for its share of the jobs — the batch
 * <ol>
 *   <li>fences its jobs: {@code jobs.lock_owned(ids, attempts, runnerId)} locks and returns those this runner still
 *       owns; the others lost their lease (another runner rescued them) and must get no effect and no outcome;</li>
 *   <li>applies each owned job's effect, and completes the successful ones with their result
 *       ({@code jobs.complete_all(ids, attempts, results)}), so effects and completions commit together — or, if the
 *       runner dies first, not at all (the leases expire and the jobs run again);</li>
 *   <li>answers an outcome per owned job: {@link JobOutcome.Completed}, or {@link JobOutcome.Failed} for a job that
 *       committed nothing and was left executing — the runner then records that failure (retry, or dead letter with
 *       {@link #onDead}) exactly as for a single job.</li>
 * </ol>
 * A job absent from the answer counts as a lost lease. A failed future means the batch committed nothing: the
 * runner runs each of its jobs once more as a batch of one, so one bad job cannot hold the others back, and records
 * the failures of those. The batch gets the smallest {@code timeout_seconds} of its jobs.
 */
public interface BatchJobWorker extends JobWorker {

  /** Run the claimed {@code jobs} (same worker, claimed by {@code runnerId}) on {@code db} (the node's pool). */
  Future<Map<UUID, JobOutcome>> performBatch(List<Job> jobs, String runnerId, SqlClient db);

  /**
   * Whether this worker also offers {@link #claimAndRun}. The runner of a queue whose only batch worker it is then
   * picks and runs in one transaction, and claims with a lease only when such a run could run none of what it
   * picked, or failed.
   */
  default boolean claimsInItsRun() {
    return false;
  }

  /**
   * Pick up to {@code limit} of this worker's waiting jobs of {@code queue} (as a claim would, {@code FOR UPDATE SKIP
   * LOCKED}), run them and complete the successful ones, all in ONE transaction on {@code db}: the row lock stands in
   * for the lease, so a run that dies commits nothing and leaves its jobs waiting, untouched. The jobs' side of it is
   * {@code jobs.pick}, {@code jobs.complete_picked} and {@code jobs.lease_picked} (jobs/V9). In that transaction a job
   * that failed is claimed as a claim would have (executing, {@code runnerId}'s lease of {@code leaseSeconds}) with
   * its effects undone, and the runner records its failure as for any claimed job; a job the run chose not to run now
   * (deferred) stays waiting, untouched. A failed future means nothing committed. Only called when
   * {@link #claimsInItsRun()}.
   */
  default Future<PickedRun> claimAndRun(String queue, int limit, String runnerId, int leaseSeconds, SqlClient db) {
    return Future.failedFuture(new UnsupportedOperationException(name() + " does not claim inside its run"));
  }

  /** A batch worker's effects commit with its jobs' completion. */
  @Override
  default boolean transactional() {
    return true;
  }

  /** Not used: the runner hands a batch worker its jobs through {@link #performBatch}, batches of one included. */
  @Override
  default Future<JsonObject> perform(Job job, SqlConnection tx) {
    return Future.failedFuture(new UnsupportedOperationException(name() + " runs jobs in batches only"));
  }
}
