package com.ledger.banksync;

import com.ledger.banksync.api.BankSyncApi;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.jobs.Job;
import com.ledger.platform.jobs.JobDeferred;
import com.ledger.platform.jobs.JobWorker;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;

/**
 * The BankSyncWorker of SPEC.md §7.2 on the {@code banking} queue: runs one {@link SyncService#sync} per attempt,
 * outside any transaction (it calls the bank; the sync is idempotent). Result {@code {login_id, accounts_synced,
 * transactions_imported}}.
 */
final class BankSyncWorker implements JobWorker {
  private final SyncService sync;

  BankSyncWorker(SyncService sync) {
    this.sync = sync;
  }

  @Override
  public String name() {
    return BankSyncApi.SYNC_WORKER;
  }

  @Override
  public Future<JsonObject> perform(Job job, SqlConnection tx) {
    UUID loginId;
    try {
      loginId = UUID.fromString(job.arg("login_id"));
    } catch (RuntimeException e) {
      return LedgerException.fail(ErrorCode.ACCOUNT_NOT_FOUND, "The job has no valid login_id");
    }
    // a call refused by the open breaker spends no attempt: the job waits until the breaker lets a call through
    return sync.sync(loginId, job.id().toString()).recover(err -> err instanceof LedgerException le
        && "open".equals(le.details.getString("circuit"))
        ? Future.failedFuture(new JobDeferred(java.time.Instant.now().plusMillis(le.details.getLong("retry_after_ms", 1000L)), le))
        : Future.failedFuture(err));
  }

  /** The sync failed for good: the scheduler retries the login with backoff (long before its sync_frequency). */
  @Override
  public Future<Void> onDead(Job job, com.ledger.platform.jobs.JobError last, SqlConnection tx) {
    UUID loginId;
    try {
      loginId = UUID.fromString(job.arg("login_id"));
    } catch (RuntimeException e) {
      return Future.succeededFuture();
    }
    return new LoginRepository().markSyncFailed(tx, loginId);
  }
}
