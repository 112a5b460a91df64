package com.ledger.platform.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** "One node at a time" for periodic work: a PostgreSQL advisory lock held until the caller's transaction ends. */
public final class AdvisoryLocks {
  private static final String TRY_XACT_LOCK = "SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked";

  private AdvisoryLocks() {}

  /** True when this transaction now holds the lock named {@code key}; false (at once) when another one holds it. */
  public static Future<Boolean> tryTransactionLock(SqlClient tx, String key) {
    return tx.preparedQuery(TRY_XACT_LOCK).execute(Tuple.of(key)).map(rows -> rows.iterator().next().getBoolean("locked"));
  }
}
