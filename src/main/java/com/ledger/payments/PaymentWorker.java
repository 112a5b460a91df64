package com.ledger.payments;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.config.PaymentsConfig;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.jobs.BatchJobWorker;
import com.ledger.platform.jobs.Job;
import com.ledger.platform.jobs.JobError;
import com.ledger.platform.jobs.JobOutcome;
import com.ledger.platform.jobs.PickedRun;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * SPEC.md §7.4: posts the PROCESSING payments of a batch of claimed jobs with one statement per group of accounts
 * ({@code payments.post_payment_jobs}, see {@link Posting}) that also fences and completes the jobs, so postings and
 * completions commit together (a lost lease or a crash rolls both back: exactly-once). A payment found COMPLETED was
 * posted by an earlier run: success, nothing posted again. A failing rule comes back as a failed outcome (the runner
 * dead-letters the job); on dead-lettering the payment becomes FAILED with the reason, in the same transaction.
 */
final class PaymentWorker implements BatchJobWorker {
  private final PaymentRepository repository;
  private final Posting posting;

  PaymentWorker(PaymentRepository repository, PaymentsConfig cfg) {
    this.repository = repository;
    this.posting = new Posting(repository, new TransferPolicy(cfg), cfg);
  }

  @Override
  public String name() {
    return PaymentsApi.WORKER;
  }

  /**
   * The batch in {@link #GROUPS} statements run side by side, each on jobs whose accounts no other group has (one
   * cheap read maps payments to accounts first). One statement locks every account of its jobs until it commits, so
   * a single statement kept one backend busy while the other core idled, and two batches over the same accounts
   * mostly waited for each other (issue 8 profile). Each group is its own fenced transaction (postings and
   * completions commit together, so exactly-once holds per group); a group that fails committed nothing and its
   * jobs run once more each alone, so the failure lands on the job that causes it (as the runner does for a batch).
   */
  @Override
  public Future<Map<UUID, JobOutcome>> performBatch(List<Job> jobs, String runnerId, SqlClient db) {
    if (jobs.size() < 2) return post(jobs, runnerId, db);
    UUID[] payments = jobs.stream().map(PaymentWorker::paymentId).filter(Objects::nonNull).toArray(UUID[]::new);
    return repository.accountsOf(db, payments).compose(accounts -> {
      List<List<Job>> groups = disjoint(jobs, accounts);
      if (groups.size() == 1) return post(jobs, runnerId, db);
      List<Future<Map<UUID, JobOutcome>>> parts = new ArrayList<>();
      for (List<Job> g : groups) parts.add(postOrEachAlone(g, runnerId, db));
      return Future.all(parts).map(all -> {
        Map<UUID, JobOutcome> out = new LinkedHashMap<>();
        for (Future<Map<UUID, JobOutcome>> f : parts) out.putAll(f.result());
        return out;
      });
    });
  }

  static final int GROUPS = 2;

  /**
   * The jobs in at most {@link #GROUPS} groups, all jobs of one account in the same group, the groups about equal
   * (largest account first into the smallest group). Jobs without a known account go with the first group.
   */
  static List<List<Job>> disjoint(List<Job> jobs, Map<UUID, UUID> accounts) {
    Map<UUID, List<Job>> byAccount = new LinkedHashMap<>();
    List<Job> unknown = new ArrayList<>();
    for (Job j : jobs) {
      UUID account = paymentId(j) == null ? null : accounts.get(paymentId(j));
      if (account == null) unknown.add(j);
      else byAccount.computeIfAbsent(account, k -> new ArrayList<>()).add(j);
    }
    List<List<Job>> groups = new ArrayList<>();
    for (int i = 0; i < GROUPS; i++) groups.add(new ArrayList<>());
    groups.get(0).addAll(unknown);
    byAccount.values().stream().sorted((a, b) -> Integer.compare(b.size(), a.size())).forEach(same -> groups.stream()
        .min(Comparator.comparingInt(List::size)).orElseThrow().addAll(same));
    groups.removeIf(List::isEmpty);
    return groups;
  }

  private Future<Map<UUID, JobOutcome>> postOrEachAlone(List<Job> group, String runnerId, SqlClient db) {
    return post(group, runnerId, db).recover(err -> {
      if (group.size() == 1) {
        return Future.succeededFuture(Map.of(group.get(0).id(), (JobOutcome) new JobOutcome.Failed(err)));
      }
      Future<Map<UUID, JobOutcome>> each = Future.succeededFuture(new LinkedHashMap<>());
      for (Job job : group) {
        each = each.compose(acc -> postOrEachAlone(List.of(job), runnerId, db).map(one -> {
          acc.putAll(one);
          return acc;
        }));
      }
      return each;
    });
  }

  /** Yes: the runner picks, posts and completes in one statement ({@link #claimAndRun}). */
  @Override
  public boolean claimsInItsRun() {
    return true;
  }

  /**
   * One statement picks up to {@code limit} waiting payment jobs, posts them and completes the posted ones
   * (payments.claim_and_post_payment_jobs): no claim of its own, no lease. A job whose account another transaction
   * holds is left waiting (deferred), so two runs over the same accounts post side by side instead of queueing.
   */
  @Override
  public Future<PickedRun> claimAndRun(String queue, int limit, String runnerId, int leaseSeconds, SqlClient db) {
    return posting.claimAndPostJobs(db, queue, name(), limit, runnerId, leaseSeconds).map(picked -> {
      int completed = 0;
      int deferred = 0;
      Map<UUID, Function<Job, Throwable>> failed = new LinkedHashMap<>();
      for (PaymentRepository.PickedJob p : picked) {
        if (p.outcome() == null) {
          deferred++;
        } else if (p.outcome().posted()) {
          completed++;
        } else {
          PaymentRepository.Outcome o = p.outcome();
          failed.put(p.jobId(), job -> ((JobOutcome.Failed) outcome(job, o)).cause());
        }
      }
      return new PickedRun(completed, deferred, failed);
    });
  }

  /** One statement: fence, post and complete the jobs (payments.post_payment_jobs). */
  private Future<Map<UUID, JobOutcome>> post(List<Job> jobs, String runnerId, SqlClient db) {
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
    return repository.transition(tx, id, Payment.PROCESSING, Payment.FAILED, last.reason()).mapEmpty();
  }

  static UUID paymentId(Job job) {
    try {
      return UUID.fromString(job.arg("payment_id"));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
