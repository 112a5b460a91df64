package com.ledger.payments;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.jobs.Job;
import com.ledger.platform.jobs.JobError;
import com.ledger.platform.jobs.JobWorker;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;

/**
 * SPEC.md §7.4: posts a PROCESSING payment inside the job's completion transaction, so the posting and the job's
 * completion commit together (a lost lease or a crash rolls both back: exactly-once). A payment found COMPLETED
 * was posted by an earlier run of this job: success, nothing posted again. On dead-lettering the payment becomes
 * FAILED with the reason, in the same transaction.
 */
final class PaymentWorker implements JobWorker {
  private final Posting posting;

  PaymentWorker(PaymentsConfig cfg) {
    this.posting = new Posting(new TransferPolicy(cfg), cfg);
  }

  @Override
  public String name() {
    return PaymentsApi.WORKER;
  }

  @Override
  public boolean transactional() {
    return true;
  }

  @Override
  public Future<JsonObject> perform(Job job, SqlConnection tx) {
    UUID id = paymentId(job);
    if (id == null) return LedgerException.fail(PAYMENT_NOT_FOUND, "The job names no valid payment_id");
    return PaymentRepository.lock(tx, id).compose(found -> {
      if (found.isEmpty()) return LedgerException.<Payment>fail(PAYMENT_NOT_FOUND, "Payment not found");
      Payment p = found.get();
      if (Payment.COMPLETED.equals(p.status())) return Future.succeededFuture(p);
      if (!Payment.PROCESSING.equals(p.status())) {
        return LedgerException.<Payment>fail(ALREADY_PROCESSED, "The payment is " + p.status() + ", not PROCESSING");
      }
      return posting.post(tx, p);
    }).map(p -> new JsonObject().put("payment_id", p.id().toString()).put("status", p.status()));
  }

  @Override
  public Future<Void> onDead(Job job, JobError last, SqlConnection tx) {
    UUID id = paymentId(job);
    if (id == null) return Future.succeededFuture();
    return PaymentRepository.transition(tx, id, Payment.PROCESSING, Payment.FAILED, last.reason()).mapEmpty();
  }

  static UUID paymentId(Job job) {
    try {
      return UUID.fromString(job.arg("payment_id"));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
