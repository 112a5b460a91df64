package com.ledger.platform.db;

import io.vertx.pgclient.PgException;

/**
 * Constraint failures recognised by their SQLSTATE (never by message text). {@link DbFailures} judges the transient
 * ones; this class the ones a context turns into a catalog error (409 already exists, 404 gone).
 */
public final class SqlStates {
  public static final String UNIQUE_VIOLATION = "23505";
  public static final String FOREIGN_KEY_VIOLATION = "23503";

  private SqlStates() {}

  /** A unique violation, on any constraint. */
  public static boolean isUniqueViolation(Throwable t) {
    return has(t, UNIQUE_VIOLATION);
  }

  /** A unique violation on {@code constraint} (or one whose constraint the server did not name). */
  public static boolean isUniqueViolation(Throwable t, String constraint) {
    return t instanceof PgException pe && UNIQUE_VIOLATION.equals(pe.getSqlState())
        && (pe.getConstraint() == null || constraint.equals(pe.getConstraint()));
  }

  public static boolean isForeignKeyViolation(Throwable t) {
    return has(t, FOREIGN_KEY_VIOLATION);
  }

  private static boolean has(Throwable t, String state) {
    return t instanceof PgException pe && state.equals(pe.getSqlState());
  }
}
