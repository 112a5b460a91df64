package com.ledger.platform.jobs;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.regex.Pattern;

/**
 * Cancelling jobs that have not started, e.g. when the object they belong to is deleted (DELETE /bank-logins/{id}
 * cancels its pending syncs, SPEC.md §2.6). Call it inside the deleting transaction. A job already executing is not
 * touched: its worker finds the object gone and fails non-retryably.
 */
public final class JobCancel {
  private static final Pattern ARG = Pattern.compile("^[a-z_]{1,40}$");

  private JobCancel() {}

  /**
   * Cancel the waiting (available, scheduled, retryable) jobs of {@code worker} whose {@code args.<argName>} equals
   * {@code value}; returns how many. {@code argName} is a fixed identifier (lower case and '_'), matched against the
   * expression indexes of {@code jobs.jobs} (e.g. {@code args->>'login_id'}).
   */
  public static Future<Integer> waiting(SqlClient tx, String worker, String argName, String value) {
    if (!ARG.matcher(argName).matches()) throw new IllegalArgumentException("bad arg name " + argName);
    String sql = "UPDATE jobs.jobs SET state = 'cancelled', cancelled_at = date_trunc('second', now()), "
        + "locked_by = NULL, lease_until = NULL WHERE worker = $1 AND (args ->> '" + argName + "') = $2 "
        + "AND state IN ('available','scheduled','retryable')";
    return tx.preparedQuery(sql)
        .execute(Tuple.of(worker, value)).map(rs -> rs.rowCount());
  }
}
