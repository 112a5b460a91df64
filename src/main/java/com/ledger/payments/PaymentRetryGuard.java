package com.ledger.payments;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.jobs.Job;
import com.ledger.platform.jobs.RetryGuard;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;

/**
 * SPEC.md §2.6 admin retry of a dead PaymentWorker job: the payment must be FAILED or PROCESSING (else 409
 * job_not_retryable); a FAILED payment goes back to PROCESSING with its failure_reason cleared — the only way out of
 * FAILED (§6.8).
 */
public final class PaymentRetryGuard implements RetryGuard {
  private final PaymentRepository payments = new PaymentRepository();

  @Override
  public Future<Void> beforeRetry(Job job, SqlConnection tx) {
    UUID id = PaymentWorker.paymentId(job);
    if (id == null) return LedgerException.fail(ErrorCode.JOB_NOT_RETRYABLE, "The job names no valid payment");
    return payments.lock(tx, id).compose(found -> {
      if (found.isEmpty()) return LedgerException.fail(ErrorCode.JOB_NOT_RETRYABLE, "The job's payment no longer exists");
      Payment p = found.get();
      if (Payment.PROCESSING.equals(p.status())) return Future.succeededFuture();
      if (Payment.FAILED.equals(p.status())) {
        return payments.transition(tx, id, Payment.FAILED, Payment.PROCESSING, null).mapEmpty();
      }
      return LedgerException.fail(ErrorCode.JOB_NOT_RETRYABLE,
          "The job's payment is " + p.status() + "; only FAILED or PROCESSING payments can be retried");
    });
  }
}
