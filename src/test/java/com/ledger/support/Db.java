package com.ledger.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain JDBC on a test database (from {@link TestDatabase#fresh()}): setup the API cannot produce and assertions
 * straight on the tables. Parameters bind positionally ({@code ?}); any SQL error fails the test.
 */
public final class Db {
  public final String url;

  public Db(String url) {
    this.url = url;
  }

  public Connection connect() throws SQLException {
    return TestDatabase.jdbc(url);
  }

  /** Runs a statement; the update count (0 for statements without one). */
  public int exec(String sql, Object... args) {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.execute() ? 0 : Math.max(0, ps.getUpdateCount());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first column of the first row as text, or null when there is no row. */
  public String string(String sql, Object... args) {
    List<String> rows = strings(sql, args);
    return rows.isEmpty() ? null : rows.get(0);
  }

  /** The first column of every row, as text. */
  public List<String> strings(String sql, Object... args) {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      List<String> out = new ArrayList<>();
      try (var rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A single number (a {@code count(*)}, a sum): the first column of the first row. */
  public long count(String sql, Object... args) {
    String v = string(sql, args);
    if (v == null) throw new AssertionError("no row: " + sql);
    return Long.parseLong(v);
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
  }
}
