package com.ledger.payments;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.jobs.BatchJobWorker;
import com.ledger.platform.jobs.Job;
import com.ledger.platform.jobs.JobError;
import com.ledger.platform.jobs.JobOutcome;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * SPEC.md §7.4: posts the PROCESSING payments of a batch of claimed jobs with ONE statement
 * ({@code payments.post_payment_jobs}, see {@link Posting}) that also fences and completes the jobs, so postings and
 * completions commit together (a lost lease or a crash rolls both back: exactly-once). A payment found COMPLETED was
 * posted by an earlier run: success, nothing posted again. A failing rule comes back as a failed outcome (the runner
 * dead-letters the job); on dead-lettering the payment becomes FAILED with the reason, in the same transaction.
 */
final class PaymentWorker implements BatchJobWorker {
  private final Posting posting;

  PaymentWorker(PaymentsConfig cfg) {
    this.posting = new Posting(new TransferPolicy(cfg), cfg);
  }

  @Override
  public String name() {
    return PaymentsApi.WORKER;
  }

  @Override
  public Future<Map<UUID, JobOutcome>> performBatch(List<Job> jobs, String runnerId, SqlClient db) {
    UUID[] ids = jobs.stream().map(Job::id).toArray(UUID[]::new);
    Integer[] attempts = jobs.stream().map(Job::attempt).toArray(Integer[]::new);
    Map<UUID, Job> byId = new LinkedHashMap<>();
    for (Job j : jobs) byId.put(j.id(), j);
    return posting.postJobs(db, ids, attempts, runnerId).map(outcomes -> {
      Map<UUID, JobOutcome> out = new LinkedHashMap<>();
      outcomes.forEach((jobId, o) -> out.put(jobId, outcome(byId.get(jobId), o)));
      return out;
    });
  }

  private JobOutcome outcome(Job job, PaymentRepository.Outcome o) {
    if (o.posted()) {
      return new JobOutcome.Completed(new JsonObject().put("payment_id", o.payment().id().toString())
          .put("status", o.payment().status()));
    }
    return new JobOutcome.Failed(switch (o.reason()) {
      case "payment_not_found" -> new LedgerException(PAYMENT_NOT_FOUND,
          paymentId(job) == null ? "The job names no valid payment_id" : "Payment not found");
      case "already_processed" -> new LedgerException(ALREADY_PROCESSED,
          "The payment is " + o.paymentStatus() + ", not PROCESSING");
      default -> posting.ruleFailure(o);
    });
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
