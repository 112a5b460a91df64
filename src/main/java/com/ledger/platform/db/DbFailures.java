package com.ledger.platform.db;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * Which database failures are transient (the connection was lost, the pool could not hand one out, the server is
 * shutting down or refusing connections): those answer 503 with Retry-After instead of 500.
 */
public final class DbFailures {
  private DbFailures() {}

  public static boolean isTransient(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof PgException pe) return transientState(pe.getSqlState());
      if (c instanceof ClosedConnectionException || c instanceof ConnectionPoolTooBusyException
          || c instanceof ConnectException || c instanceof TimeoutException) {
        return true;
      }
      if (c instanceof java.io.IOException) return true; // connection reset by peer, broken pipe
      if (c instanceof VertxException ve && ve.getMessage() != null
          && (ve.getMessage().contains("Connection closed") || ve.getMessage().contains("Failed to connect"))) {
        return true;
      }
    }
    return false;
  }

  /** SQLSTATE classes 08 (connection exception), 53300 (too many connections), 57P01–57P03 (shutdown, cannot connect now). */
  static boolean transientState(String state) {
    if (state == null) return false;
    return state.startsWith("08") || state.equals("53300") || state.equals("57P01") || state.equals("57P02")
        || state.equals("57P03");
  }

  /**
   * A commit failure leaves the transaction's outcome unknown unless the server said it rolled back
   * (serialization failure, a deferred constraint): then the writes are certainly gone.
   */
  public static boolean outcomeUnknown(Throwable commitFailure) {
    if (commitFailure instanceof PgException pe && pe.getSqlState() != null) {
      return transientState(pe.getSqlState()) || !(pe.getSqlState().startsWith("40") || pe.getSqlState().startsWith("23"));
    }
    return true;
  }
}
