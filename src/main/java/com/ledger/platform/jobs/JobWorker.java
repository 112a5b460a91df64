package com.ledger.platform.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;

/**
 * The code behind one worker name (the {@code jobs.worker} column, e.g. {@code PaymentWorker}). A
 * {@link JobRunnerVerticle} claims the jobs of its queue whose worker it knows and calls {@link #perform}.
 *
 * <p>Succeed with the job's {@code result} (stored in {@code jobs.result}); fail with a
 * {@link com.ledger.platform.errors.LedgerException} whose catalog category decides retry or dead-letter
 * ({@link RetryPolicy}); any other exception counts as {@code internal_server_error} (system, retried).
 *
 * <p>Two modes:
 * <ul>
 *   <li>{@link #transactional()} = true: {@code perform} receives the {@link SqlConnection} of the transaction that
 *       also marks the job completed. Whatever the handler writes there commits together with the completion, or
 *       not at all (a lost lease, a failure or a crash rolls both back) — the basis of exactly-once effects such as
 *       posting a payment. Keep such a handler to database work: no remote calls while the transaction is open.</li>
 *   <li>false (default): {@code perform} receives {@code null} and runs outside any transaction (e.g. HTTP calls to
 *       a bank); the completion is written afterwards. Such a handler must be idempotent: after a crash or an
 *       expired lease the job runs again.</li>
 * </ul>
 */
public interface JobWorker {

  /** The worker name stored in {@code jobs.worker}. */
  String name();

  /** Whether {@link #perform} runs inside the job's completion transaction. */
  default boolean transactional() {
    return false;
  }

  /** Run one attempt. {@code tx} is the completion transaction's connection when {@link #transactional()}, else null. */
  Future<JsonObject> perform(Job job, SqlConnection tx);

  /**
   * Called in the same transaction that moves the job to {@code dead} (last attempt failed, or a non-retryable
   * error), e.g. to mark the domain object failed. A failure here rolls the dead-lettering back; the job is then
   * rescued when its lease expires.
   */
  default Future<Void> onDead(Job job, JobError last, SqlConnection tx) {
    return Future.succeededFuture();
  }
}
