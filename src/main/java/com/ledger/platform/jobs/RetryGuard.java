package com.ledger.platform.jobs;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * A worker's veto and side effect for the admin retry of a dead job ({@code POST /api/admin/jobs/{id}/retry}).
 * Runs in the transaction that re-queues the job (the job row is locked). Fail with a
 * {@link com.ledger.platform.errors.LedgerException} (e.g. {@code job_not_retryable}) to refuse.
 */
@FunctionalInterface
public interface RetryGuard {
  Future<Void> beforeRetry(Job job, SqlConnection tx);
}
