package com.ledger.banksync;

import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.bus.Bus;
import com.ledger.platform.bus.Replies;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.jobs.Job;
import com.ledger.platform.jobs.JobWorker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.UUID;

/**
 * The ReconciliationWorker (issue 12) on the {@code banking} queue: fetches the bank's accounts and transactions of a
 * login (the window of a first sync) outside any transaction, then hands them to the ledger
 * ({@link PaymentsApi#RECONCILE}), which compares them with what was imported and records the outcome. Idempotent: a
 * retry fetches and compares again. Result {@code {reconciliation_id, status, matched}}.
 */
final class ReconciliationWorker implements JobWorker {
  private static final long COMPARE_TIMEOUT_MS = 60_000;

  private final Vertx vertx;
  private final SyncService sync;

  ReconciliationWorker(Vertx vertx, SyncService sync) {
    this.vertx = vertx;
    this.sync = sync;
  }

  @Override
  public String name() {
    return PaymentsApi.RECONCILIATION_WORKER;
  }

  @Override
  public Future<JsonObject> perform(Job job, SqlConnection tx) {
    UUID loginId;
    UUID id;
    try {
      loginId = UUID.fromString(job.arg("login_id"));
      id = UUID.fromString(job.arg("reconciliation_id"));
    } catch (RuntimeException e) {
      return LedgerException.fail(ErrorCode.MISSING_FIELDS, "The job has no valid login_id / reconciliation_id");
    }
    Instant since = sync.reconciliationSince();
    String cid = job.id().toString();
    return sync.bankView(loginId, cid, since)
        .compose(accounts -> vertx.eventBus().<JsonObject>request(PaymentsApi.RECONCILE, new JsonObject()
                .put("reconciliation_id", id.toString()).put("login_id", loginId.toString())
                .put("since", since.toString()).put("accounts", accounts), Bus.options(cid, COMPARE_TIMEOUT_MS))
            .recover(err -> Future.failedFuture(Replies.toLedger(err))))
        .map(reply -> new JsonObject().put("reconciliation_id", id.toString())
            .put("status", reply.body().getString("status")).put("matched", reply.body().getInteger("matched")));
  }
}
