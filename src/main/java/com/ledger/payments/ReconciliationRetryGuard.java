package com.ledger.payments;

import com.ledger.platform.jobs.Job;
import com.ledger.platform.jobs.RetryGuard;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * SPEC.md §2.6 admin retry of a dead ReconciliationWorker job (issue 12): its reconciliation goes back from FAILED to
 * PENDING in the re-queueing transaction; a COMPLETED run, a missing one or one whose bank login was deleted refuses
 * the retry (409 job_not_retryable).
 */
public final class ReconciliationRetryGuard implements RetryGuard {
  private final ReconciliationRepository runs = new ReconciliationRepository();

  @Override
  public Future<Void> beforeRetry(Job job, SqlConnection tx) {
    return Reconciliations.reopen(runs, job, tx);
  }
}
