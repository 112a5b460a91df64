package com.ledger.banksync;

import com.ledger.banksync.api.BankSyncApi;
import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.config.SyncSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import com.ledger.platform.jobs.JobSpec;
import com.ledger.platform.jobs.Jobs;
import java.util.UUID;

/**
 * Enqueues BankSyncWorker jobs on the durable jobs platform (SPEC.md §7.2: queue {@code banking}, args
 * {@code {login_id}}, 5 attempts, 10 min timeout, unique on login_id for 300 s, priority 0, owner = the login's user).
 * Always inside the caller's transaction; {@link #wake} after it committed.
 */
final class SyncJobs {
  private final Vertx vertx;
  private final SyncSettings settings;

  SyncJobs(Vertx vertx, SyncSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  static JobSpec spec(BankLogin login, SyncSettings s) {
    return JobSpec.of(BankSyncApi.SYNC_WORKER, BankSyncApi.SYNC_QUEUE, new JsonObject().put("login_id", login.id().toString()))
        .withMaxAttempts(s.jobMaxAttempts()).withTimeoutSeconds(s.jobTimeoutSeconds())
        .withUnique(login.id().toString(), s.uniqueSeconds()).withOwner(login.userId()).withPriority(0);
  }

  Future<SyncTicket> schedule(SqlClient tx, BankLogin login) {
    return Jobs.enqueue(tx, spec(login, settings))
        .map(e -> new SyncTicket(e.job().id(), e.job().state(), e.duplicate(), login.id()));
  }

  /** The login's waiting syncs and reconciliations (issue 12: such a run then reads FAILED bank_login_deleted). */
  Future<Integer> cancelPending(SqlClient tx, UUID loginId) {
    return Jobs.cancelWaitingForLogin(tx, BankSyncApi.SYNC_WORKER, loginId)
        .compose(syncs -> Jobs.cancelWaitingForLogin(tx, PaymentsApi.RECONCILIATION_WORKER, loginId)
            .map(runs -> syncs + runs));
  }

  void wake() {
    Jobs.wake(vertx, BankSyncApi.SYNC_QUEUE);
  }
}
