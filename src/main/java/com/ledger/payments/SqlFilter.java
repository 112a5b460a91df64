package com.ledger.payments;

import io.vertx.sqlclient.Tuple;

/**
 * A WHERE clause holding only the filters a request sets, with its parameters. Each combination of filters is then
 * its own prepared statement with its own plan on its own index; a catch-all {@code ($2 IS NULL OR col = $2)} hides
 * the filter from a generic plan, which then reads the whole range of the first index column. The SQL text is made
 * only of the constant fragments the repositories pass in; every value is a parameter.
 */
final class SqlFilter {
  private final StringBuilder sql = new StringBuilder();
  private final Tuple params = Tuple.tuple();

  private SqlFilter() {}

  /** {@code WHERE fragment}, its {@code ?} bound to {@code value}. */
  static SqlFilter where(String fragment, Object value) {
    return new SqlFilter().and(fragment, value);
  }

  /** {@code AND fragment} with its {@code ?}s bound to {@code values} in order; nothing when the first value is null. */
  SqlFilter and(String fragment, Object... values) {
    if (values == null || values[0] == null) return this;
    sql.append(sql.length() == 0 ? " WHERE " : " AND ");
    int next = 0;
    for (int i = 0; i < fragment.length(); i++) {
      char ch = fragment.charAt(i);
      if (ch == '?') sql.append(bind(values[next++]));
      else sql.append(ch);
    }
    return this;
  }

  /** Adds a parameter and returns its placeholder ({@code $n}), e.g. for LIMIT and OFFSET. */
  String bind(Object value) {
    params.addValue(value);
    return "$" + params.size();
  }

  String sql() {
    return sql.toString();
  }

  Tuple params() {
    return params;
  }

  /** A statement and its parameters, built from a filter. */
  record Query(String sql, Tuple params) {}
}
