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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
  /** How long a loop's sync posting statement runs before the loop may send a second one beside it (GroupCommit). */
  static final long SYNC_STALL_MS = 100;
  /** How often a loop's sync group commit sent a second statement beside a stalled one. */
  private final Counter stalledSends;
  /** This service's {@link Batchers} in the data of each event-loop context that runs it. */
  private final Object batchersKey = new Object();

  /**
   * Requests waiting together share a statement and commit (per event loop; db.pool_size, 10 by default, is shared by
   * http.instances loops and the workers). Async accepts: 1 statement in flight, 100 requests each at most. Sync
   * postings: 1 in flight, a second one beside it once it has run for {@link #SYNC_STALL_MS} (see
   * {@link #batchers()}), 32 requests each at most (a batch's answers wait for its last posting).
   */
  private record Batchers(GroupCommit<PaymentRepository.BatchRequest, PaymentRepository.Accepted> accept,
                          GroupCommit<PaymentRepository.BatchRequest, Payment> process) {}

  PaymentService(Vertx vertx, Pool pool, PaymentsConfig cfg, PaymentRepository payments, AccountRepository accounts,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.pool = pool;
    this.cfg = cfg;
    this.payments = payments;
    this.accounts = accounts;
    this.policy = new TransferPolicy(cfg);
    this.posting = new Posting(payments, policy, cfg);
    this.idempotency = new Idempotency(vertx, pool, cfg.idempotency());
    this.stalledSends = Counter.builder("ledger.payments.sync.stalled.statements")
        .description("Sync posting statements an event loop sent beside one that had run for " + SYNC_STALL_MS
            + " ms (waiting, most likely, for a row another transaction holds)")
        .register(registry);
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
   * SPEC.md §6.6 in one statement per request (see {@link Posting}): with an Idempotency-Key inside the key's
   * transaction; without one on its own (autocommit, no BEGIN/COMMIT round trips), joined by the requests of this
   * event loop that wait while its statements run ({@link GroupCommit}, payments/V22).
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
      Batchers batchers = db == pool ? batchers() : null;
      batched[0] = batchers != null;
      PaymentRepository.BatchRequest one = new PaymentRepository.BatchRequest(id, Requests.callerId(c), c.isAdmin());
      if (!async) {
        return (batchers != null ? batchers.process().submit(one) : posting.process(db, c, id))
            .map(p -> ApiReply.ok(p.toJson(), new JsonObject().put("action", "processed")));
      }
      return accept(batchers != null ? batchers.accept().submit(one) : posting.accept(db, c, id), id);
    });
    // the batcher wakes the workers once per statement; otherwise wake them once the accept committed
    return async ? reply.onSuccess(r -> {
      if (!batched[0]) Jobs.wake(vertx, PaymentsApi.QUEUE);
    }) : reply;
  }

  /**
   * The 202 of an accepted job. Without an Idempotency-Key ({@code db} is the pool) the accept joins this event
   * loop's {@link GroupCommit} (one statement and commit for the requests that wait together); with one it runs in
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

  /** This event loop's batchers (null off an event loop: then each request is a statement of its own). */
  private Batchers batchers() {
    io.vertx.core.Context ctx = Vertx.currentContext();
    if (ctx == null || !ctx.isEventLoopContext()) return null;
    Batchers b = ctx.get(batchersKey);
    if (b == null) {
      // One sync posting statement in flight per loop, as for the accept below: with two, a spread load made batches
      // of half the size, and the database spent 6-17 % more CPU per posting (20-40 % more on one hot account) and the
      // node 17-25 % more (bench/run, two pairs, 2026-12-02). A second one goes out while the first has run for
      // SYNC_STALL_MS, so a statement that waits for an account another transaction holds does not hold back every
      // posting of its loop.
      // one accept statement in flight per loop: the requests that arrive meanwhile make the next one bigger (with
      // three in flight, batches averaged ~4 payments and the accept took twice the database time per payment,
      // time the workers posting those payments then lacked: issue 8, pg_stat_user_functions)
      b = new Batchers(new GroupCommit<>(1, 100, requests -> posting.acceptAll(pool, requests).onSuccess(answers -> {
        // the workers are woken once per statement that accepted a payment
        if (answers.stream().anyMatch(Future::succeeded)) Jobs.wake(vertx, PaymentsApi.QUEUE);
      })), new GroupCommit<>(1, 2, SYNC_STALL_MS, (ms, task) -> vertx.setTimer(ms, id -> task.run()), System::nanoTime,
          32, requests -> posting.processAll(pool, requests), stalledSends::increment));
      ctx.put(batchersKey, b);
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
