package com.ledger.payments;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.config.PaymentsConfig;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.idempotency.Idempotency;
import com.ledger.platform.jobs.Jobs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.Optional;
import java.util.UUID;

/** The mutating payment operations: create, process (sync or async), cancel — plus the validate dry run. */
final class PaymentService {
  private final Vertx vertx;
  private final Pool pool;
  private final TransferPolicy policy;
  private final Posting posting;
  private final Idempotency idempotency;
  private final PaymentsConfig cfg;
  private final PaymentRepository payments;
  private final AccountRepository accounts;
  /** This service's {@link AcceptBatcher} in the data of each event-loop context that runs it. */
  private final Object batcherKey = new Object();

  PaymentService(Vertx vertx, Pool pool, PaymentsConfig cfg, PaymentRepository payments, AccountRepository accounts) {
    this.vertx = vertx;
    this.pool = pool;
    this.cfg = cfg;
    this.payments = payments;
    this.accounts = accounts;
    this.policy = new TransferPolicy(cfg);
    this.posting = new Posting(payments, policy, cfg);
    this.idempotency = new Idempotency(vertx, pool, cfg.idempotency());
  }

  // ------------------------------------------------------------------ create

  Future<ApiReply> create(ApiRequest req) {
    Caller c = Requests.caller(req);
    return idempotency.run(req, Requests.callerId(c), tx -> create(tx, c, req));
  }

  private Future<ApiReply> create(SqlClient db, Caller c, ApiRequest req) {
    PaymentDraft d = PaymentInput.parse(req.body(), req.numbers());
    return ownedAccount(db, c, d.accountId()).compose(a -> {
      Optional<LedgerException> broken =
          policy.accountActive(TransferPolicy.AccountFacts.of(a)).or(() -> policy.amountLimit(d.amount()));
      if (broken.isPresent()) return Future.failedFuture(broken.get());
      return payments.insert(db, d, Requests.callerId(c));
    }).map(p -> ApiReply.of(201, p.toJson(), new JsonObject().put("action", "created")));
  }

  /** The account must exist (404 account_not_found) and belong to the caller (403 unauthorized_access). */
  private Future<Account> ownedAccount(SqlClient db, Caller c, UUID accountId) {
    return accounts.get(db, accountId).map(found -> {
      Account a = found.orElseThrow(() -> LedgerException.field(ACCOUNT_NOT_FOUND, "user_bank_account_id", "Account not found"));
      policy.ownership(c.userId(), TransferPolicy.AccountFacts.of(a)).ifPresent(e -> {
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
      return payments.ruleFacts(pool, draft, cfg.duplicateWindowMinutes()).map(f -> {
        Optional<LedgerException> broken =
            policy.forValidate(new TransferPolicy.Facts(c.userId(), draft, TransferPolicy.AccountFacts.of(a),
                f.spentToday(), f.duplicate()));
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

  /**
   * SPEC.md §6.6 in one statement per request (see {@link Posting}): without an Idempotency-Key the statement runs
   * on its own (autocommit, no BEGIN/COMMIT round trips); with one, inside the key's transaction.
   */
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
    boolean[] batched = {false};
    Future<ApiReply> reply = idempotency.run(req, Requests.callerId(c), db -> {
      if (!async) {
        return posting.process(db, c, id).map(p -> ApiReply.ok(p.toJson(), new JsonObject().put("action", "processed")));
      }
      AcceptBatcher batcher = db == pool ? batcher() : null;
      batched[0] = batcher != null;
      return accept(batcher != null ? batcher.accept(id, Requests.callerId(c), c.isAdmin()) : posting.accept(db, c, id), id);
    });
    // the batcher wakes the workers once per statement; otherwise wake them once the accept committed
    return async ? reply.onSuccess(r -> {
      if (!batched[0]) Jobs.wake(vertx, PaymentsApi.QUEUE);
    }) : reply;
  }

  /**
   * The 202 of an accepted job. Without an Idempotency-Key ({@code db} is the pool) the accept joins this event
   * loop's {@link AcceptBatcher} (one statement and commit for the requests that wait together); with one it runs in
   * the key's transaction.
   */
  private static Future<ApiReply> accept(Future<PaymentRepository.Accepted> accepted, UUID id) {
    return accepted.map(a -> ApiReply.of(202, new JsonObject()
        .put("job_id", a.jobId().toString())
        .put("status", a.jobState())
        .put("message", "Operation scheduled successfully")
        .put("check_status_url", "/api/jobs/" + a.jobId())
        .put("payment_id", id.toString()), new JsonObject().put("action", "process_scheduled")));
  }

  /** This event loop's batcher (null off an event loop: then each accept is a statement of its own). */
  private AcceptBatcher batcher() {
    io.vertx.core.Context ctx = Vertx.currentContext();
    if (ctx == null || !ctx.isEventLoopContext()) return null;
    AcceptBatcher b = ctx.get(batcherKey);
    if (b == null) {
      b = new AcceptBatcher(vertx, pool, posting);
      ctx.put(batcherKey, b);
    }
    return b;
  }

  // ------------------------------------------------------------------ cancel

  /** With an Idempotency-Key, the cancel and its recorded response commit together; a repeat replays it. */
  Future<ApiReply> cancel(ApiRequest req) {
    Caller c = Requests.caller(req);
    UUID id = Requests.pathId(req);
    return idempotency.runInTransaction(req, Requests.callerId(c), tx -> payments.lock(tx, id).compose(found -> {
      Payment p = found.orElseThrow(() -> new LedgerException(PAYMENT_NOT_FOUND, "Payment not found"));
      if (!PaymentAccess.canCancel(c, p)) {
        return LedgerException.<Optional<Payment>>fail(INSUFFICIENT_PERMISSIONS, "You may not cancel this payment");
      }
      return payments.transition(tx, id, Payment.PENDING, Payment.CANCELLED, null);
    }).map(moved -> ApiReply.ok(moved.orElseThrow().toJson(), new JsonObject().put("action", "cancelled"))));
  }
}
