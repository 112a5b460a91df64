package com.ledger.payments;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.config.PaymentsConfig;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Java side of the posting functions (migration payments/V3): each posting is ONE statement, in which
 * PostgreSQL checks SPEC.md §6.6 in order while it holds the account row and writes balance, ledger row and payment
 * status — so the account's lock never spans a network round trip. Without an enclosing transaction the statement
 * commits on its own (autocommit); inside one (an Idempotency-Key) it commits with it.
 *
 * <p>A failing check comes back as its reason plus the facts it looked at; this class words it as a
 * {@link LedgerException} — the rules' wording lives in {@link TransferPolicy}, which must reach the same reason
 * from those facts (anything else is a bug, answered as an internal error).
 */
final class Posting {
  static final int JOB_MAX_ATTEMPTS = 5;
  static final int JOB_TIMEOUT_SECONDS = 300;

  private final PaymentRepository payments;
  private final TransferPolicy policy;
  private final PaymentRepository.Limits limits;

  Posting(PaymentRepository payments, TransferPolicy policy, PaymentsConfig cfg) {
    this.payments = payments;
    this.policy = policy;
    this.limits = PaymentRepository.Limits.of(cfg);
  }

  /** Synchronous process: the posted payment, or the first failing check of §6.6 as its problem. */
  Future<Payment> process(SqlClient db, Caller c, UUID paymentId) {
    return payments.process(db, paymentId, Requests.callerId(c), c.isAdmin(), limits).compose(this::processed);
  }

  /**
   * Synchronous process of many requests: one statement and transaction for two or more (payments/V22), else
   * {@link #process}'s. The outer future fails when the statement did (nothing committed); otherwise one answer per
   * request, in order, as {@link #process} answers it.
   */
  Future<List<Future<Payment>>> processAll(SqlClient db, List<PaymentRepository.BatchRequest> requests) {
    if (requests.size() == 1) {
      PaymentRepository.BatchRequest r = requests.get(0);
      return payments.process(db, r.paymentId(), r.callerId(), r.callerIsAdmin(), limits)
          .map(o -> List.of(processed(o)));
    }
    return payments.processAll(db, requests, limits).map(outcomes -> outcomes.stream().map(this::processed).toList());
  }

  /** The posted payment, or the first failing check of §6.6 as its problem. */
  private Future<Payment> processed(PaymentRepository.Outcome o) {
    if (o.posted()) return Future.succeededFuture(o.payment());
    try {
      return Future.failedFuture(routeFailure(o.reason(), o.paymentStatus()).orElseGet(() -> ruleFailure(o)));
    } catch (IllegalStateException disagreement) {
      return Future.failedFuture(disagreement);
    }
  }

  /**
   * The accepted job: PENDING → PROCESSING plus a PaymentWorker job, or the route's failure. With {@code db} a
   * transaction (an Idempotency-Key) it commits with it; a key-less request goes through {@link GroupCommit}.
   */
  Future<PaymentRepository.Accepted> accept(SqlClient db, Caller c, UUID paymentId) {
    return acceptAll(db, List.of(new PaymentRepository.BatchRequest(paymentId, Requests.callerId(c), c.isAdmin())))
        .compose(answers -> answers.get(0));
  }

  /**
   * Accept many requests with one statement. The outer future fails when the statement did
   * (nothing committed); otherwise one answer per request, in order: the job, or that request's route failure.
   */
  Future<List<Future<PaymentRepository.Accepted>>> acceptAll(SqlClient db,
      List<PaymentRepository.BatchRequest> requests) {
    return payments.accept(db, requests, PaymentsApi.WORKER, PaymentsApi.QUEUE, JOB_MAX_ATTEMPTS,
        JOB_TIMEOUT_SECONDS).map(answers -> {
          List<Future<PaymentRepository.Accepted>> out = new ArrayList<>(answers.size());
          for (int i = 0; i < answers.size(); i++) out.add(settle(db, requests.get(i).paymentId(), answers.get(i)));
          return out;
        });
  }

  /** An accept answer as the route's outcome; a lost race reads the status the payment was moved to meanwhile. */
  private Future<PaymentRepository.Accepted> settle(SqlClient db, UUID paymentId, PaymentRepository.Accepted a) {
    if (a.reason() == null) return Future.succeededFuture(a);
    if (a.lostRace()) {
      return payments.get(db, paymentId).compose(found -> Future.failedFuture(found
          .map(p -> routeFailure("already_processed", p.status()).orElseThrow())
          .orElseGet(() -> routeFailure("payment_not_found", null).orElseThrow())));
    }
    return Future.failedFuture(routeFailure(a.reason(), a.paymentStatus())
        .orElseThrow(() -> new IllegalStateException("unexpected accept outcome " + a.reason())));
  }

  /** Post the PROCESSING payments of claimed worker jobs; see {@code payments.post_payment_jobs}. */
  Future<Map<UUID, PaymentRepository.Outcome>> postJobs(SqlClient db, UUID[] jobIds, Integer[] attempts,
      String runnerId) {
    return payments.postJobs(db, jobIds, attempts, runnerId, limits);
  }

  /** Pick, post and complete waiting worker jobs in one statement; see {@code payments.claim_and_post_payment_jobs}. */
  Future<List<PaymentRepository.PickedJob>> claimAndPostJobs(SqlClient db, String queue, String worker, int limit,
      String runnerId, int leaseSeconds) {
    return payments.claimAndPostJobs(db, queue, worker, limit, runnerId, leaseSeconds, limits);
  }

  /** The checks before the rules (exists, may process, still PENDING), or empty for a rule's reason. */
  private static java.util.Optional<LedgerException> routeFailure(String reason, String paymentStatus) {
    return java.util.Optional.ofNullable(switch (reason) {
      case "payment_not_found" -> new LedgerException(PAYMENT_NOT_FOUND, "Payment not found");
      case "insufficient_permissions" -> new LedgerException(INSUFFICIENT_PERMISSIONS, "You may not process this payment");
      case "already_processed" -> new LedgerException(ALREADY_PROCESSED, "The payment is already " + paymentStatus,
          new JsonObject().put("status", paymentStatus));
      default -> null;
    });
  }

  /**
   * A failing rule of the posting, worded by {@link TransferPolicy} from the facts the function saw: account status,
   * type and balance, today's spent total, and — since the duplicate check comes last — whether it was a duplicate.
   */
  LedgerException ruleFailure(PaymentRepository.Outcome o) {
    if ("account_not_found".equals(o.reason())) {
      return new LedgerException(ACCOUNT_NOT_FOUND, "The payment's account no longer exists");
    }
    Payment p = o.payment();
    TransferPolicy.Facts facts = new TransferPolicy.Facts(null, p,
        new TransferPolicy.AccountFacts(p.userId(), o.accountStatus(), o.accountType(), o.accountBalance()),
        o.dailySpent() == null ? BigDecimal.ZERO : o.dailySpent(), DUPLICATE_TRANSACTION.reason().equals(o.reason()));
    LedgerException e = policy.forProcess(facts).orElse(null);
    if (e == null || !e.code.reason().equals(o.reason())) {
      throw new IllegalStateException("posting function and TransferPolicy disagree on payment " + p.id() + ": "
          + o.reason() + " vs " + (e == null ? "none" : e.code.reason()));
    }
    return e;
  }
}
