package com.ledger.banksync;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.UUID;

/** Enqueues BankSyncWorker jobs (SPEC.md §7.2) on the durable jobs platform. Placeholder until it is merged. */
final class SyncJobs {
  Future<SyncTicket> schedule(SqlClient tx, BankLogin login) {
    return LedgerException.fail(ErrorCode.NOT_IMPLEMENTED, "The jobs platform is not available yet");
  }

  Future<Void> cancelPending(SqlClient tx, UUID loginId) {
    return Future.succeededFuture();
  }

  void wake() {}
}
