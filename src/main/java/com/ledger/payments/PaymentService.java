package com.ledger.payments;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.jobs.JobSpec;
import com.ledger.platform.jobs.Jobs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.Optional;
import java.util.UUID;

/** The mutating payment operations: create, process (sync or async), cancel — plus the validate dry run. */
final class PaymentService {
  static final int JOB_UNIQUE_SECONDS = 60;
  static final int JOB_MAX_ATTEMPTS = 5;
  static final int JOB_TIMEOUT_SECONDS = 300;

  private final Vertx vertx;
  private final Pool pool;
  private final TransferPolicy policy;
  private final Posting posting;
  private final Idempotency idempotency;
  private final PaymentsConfig cfg;

  PaymentService(Vertx vertx, Pool pool, PaymentsConfig cfg) {
    this.vertx = vertx;
    this.pool = pool;
    this.cfg = cfg;
    this.policy = new TransferPolicy(cfg);
    this.posting = new Posting(policy, cfg);
    this.idempotency = new Idempotency(pool, cfg);
  }

  // ------------------------------------------------------------------ create

  Future<ApiReply> create(ApiRequest req) {
    Caller c = Requests.caller(req);
    return idempotency.run(req, Requests.callerId(c), tx -> create(tx, c, req));
  }

  private Future<ApiReply> create(SqlConnection tx, Caller c, ApiRequest req) {
    PaymentDraft d = PaymentInput.parse(req.body(), req.numbers());
    return ownedAccount(tx, c, d.accountId()).compose(a -> {
      Optional<LedgerException> broken = policy.accountActive(a).or(() -> policy.amountLimit(d.amount()));
      if (broken.isPresent()) return Future.failedFuture(broken.get());
      return PaymentRepository.insert(tx, d, Requests.callerId(c));
    }).map(p -> ApiReply.of(201, p.toJson(), new JsonObject().put("action", "created")));
  }

  /** The account must exist (404 account_not_found) and belong to the caller (403 unauthorized_access). */
  private Future<Account> ownedAccount(io.vertx.sqlclient.SqlClient db, Caller c, UUID accountId) {
    return AccountRepository.get(db, accountId).map(found -> {
      Account a = found.orElseThrow(() -> LedgerException.field(ACCOUNT_NOT_FOUND, "user_bank_account_id", "Account not found"));
      policy.ownership(c.userId(), a).ifPresent(e -> {
        throw e;
      });
      return a;
    });
  }

  // ------------------------------------------------------------------ validate (dry run)

  Future<ApiReply> validate(ApiRequest req) {
    Caller c = Requests.caller(req);
    PaymentDraft d = PaymentInput.parse(req.body(), req.numbers());
    return ownedAccount(pool, c, d.accountId()).compose(a -> {
      Payment draft = Payment.draft(d, Requests.callerId(c));
      return PaymentRepository.ruleFacts(pool, draft, cfg.duplicateWindowMinutes()).map(f -> {
        Optional<LedgerException> broken =
            policy.forValidate(new TransferPolicy.Facts(c.userId(), draft, a, f.spentToday(), f.duplicate()));
        JsonObject data = new JsonObject().put("valid", broken.isEmpty())
            .put("message", broken.isEmpty() ? "Payment validation successful" : "Payment validation failed");
        broken.ifPresent(e -> data.put("error", new JsonObject().put("reason", e.code.reason())
            .put("message", e.getMessage()).put("code", e.code.status)));
        data.put("payment", draft.toJson()).put("account", a.toJson());
        return ApiReply.ok(data, new JsonObject().put("action", "validated"));
      });
    });
  }

  // ------------------------------------------------------------------ process

  Future<ApiReply> process(ApiRequest req) {
    return process(req, Requests.prefersAsync(req.header("prefer")));
  }

  /** {@code payments.process-async}: process's checks, access and Idempotency-Key handling, always asynchronous. */
  Future<ApiReply> processAsync(ApiRequest req) {
    return process(req, true);
  }

  private Future<ApiReply> process(ApiRequest req, boolean async) {
    Caller c = Requests.caller(req);
    UUID id = Requests.pathId(req);
    Future<ApiReply> reply = idempotency.run(req, Requests.callerId(c), tx -> process(tx, c, id, async));
    return async ? reply.onSuccess(r -> Jobs.wake(vertx, PaymentsApi.QUEUE)) : reply;
  }

  /**
   * Order (SPEC.md §6.6): exists → canProcess (403) → PENDING (409) → lock the row and re-check PENDING (a lost race
   * → 409) → sync: post (rules, then balance + ledger + COMPLETED); async: PROCESSING + a PaymentWorker job.
   */
  private Future<ApiReply> process(SqlConnection tx, Caller c, UUID id, boolean async) {
    return PaymentRepository.get(tx, id).compose(found -> {
      Payment p = found.orElseThrow(() -> new LedgerException(PAYMENT_NOT_FOUND, "Payment not found"));
      if (!PaymentAccess.canProcess(c, p)) {
        return LedgerException.<Payment>fail(INSUFFICIENT_PERMISSIONS, "You may not process this payment");
      }
      if (!Payment.PENDING.equals(p.status())) return alreadyProcessed(p.status());
      return PaymentRepository.lock(tx, id).compose(locked -> {
        Payment l = locked.orElseThrow(() -> new LedgerException(PAYMENT_NOT_FOUND, "Payment not found"));
        return Payment.PENDING.equals(l.status()) ? Future.succeededFuture(l) : alreadyProcessed(l.status());
      });
    }).compose(locked -> async ? accept(tx, locked) : posting.post(tx, locked)
        .map(p -> ApiReply.ok(p.toJson(), new JsonObject().put("action", "processed"))));
  }

  private Future<ApiReply> accept(SqlConnection tx, Payment p) {
    JobSpec spec = JobSpec.of(PaymentsApi.WORKER, PaymentsApi.QUEUE, new JsonObject().put("payment_id", p.id().toString()))
        .withUnique(p.id().toString(), JOB_UNIQUE_SECONDS).withMaxAttempts(JOB_MAX_ATTEMPTS)
        .withTimeoutSeconds(JOB_TIMEOUT_SECONDS).withOwner(p.userId());
    return PaymentRepository.transition(tx, p.id(), Payment.PENDING, Payment.PROCESSING, null)
        .compose(moved -> Jobs.enqueue(tx, spec))
        .map(e -> ApiReply.of(202, new JsonObject()
            .put("job_id", e.job().id().toString())
            .put("status", e.job().state())
            .put("message", "Operation scheduled successfully")
            .put("check_status_url", "/api/jobs/" + e.job().id())
            .put("payment_id", p.id().toString()), new JsonObject().put("action", "process_scheduled")));
  }

  private static <T> Future<T> alreadyProcessed(String status) {
    return Future.failedFuture(new LedgerException(ALREADY_PROCESSED, "The payment is already " + status,
        new JsonObject().put("status", status)));
  }

  // ------------------------------------------------------------------ cancel

  Future<ApiReply> cancel(ApiRequest req) {
    Caller c = Requests.caller(req);
    UUID id = Requests.pathId(req);
    return pool.withTransaction(tx -> PaymentRepository.lock(tx, id).compose(found -> {
      Payment p = found.orElseThrow(() -> new LedgerException(PAYMENT_NOT_FOUND, "Payment not found"));
      if (!PaymentAccess.canCancel(c, p)) {
        return LedgerException.<Optional<Payment>>fail(INSUFFICIENT_PERMISSIONS, "You may not cancel this payment");
      }
      return PaymentRepository.transition(tx, id, Payment.PENDING, Payment.CANCELLED, null);
    })).map(moved -> ApiReply.ok(moved.orElseThrow().toJson(), new JsonObject().put("action", "cancelled")));
  }
}
