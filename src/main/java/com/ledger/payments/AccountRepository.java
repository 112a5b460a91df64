package com.ledger.payments;

import com.ledger.platform.paging.KeysetCursor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for accounts and their ledger ({@code payments.user_bank_accounts}, {@code payments.transactions}). */
final class AccountRepository {
  private static final String BY_USER =
      "SELECT * FROM payments.user_bank_accounts WHERE user_id = $1 ORDER BY inserted_at ASC, id ASC";
  private static final String GET = "SELECT * FROM payments.user_bank_accounts WHERE id = $1";
  private static final String HEALTH = """
      SELECT COALESCE(sum(balance), 0) AS total_balance, count(*) AS total_accounts,
             count(*) FILTER (WHERE status = 'ACTIVE') AS active_accounts,
             count(*) FILTER (WHERE status = 'FROZEN') AS frozen_accounts,
             count(*) FILTER (WHERE status = 'SUSPENDED') AS suspended_accounts
      FROM payments.user_bank_accounts WHERE user_id = $1""";

  Future<List<Account>> byUser(SqlClient db, UUID userId) {
    return db.preparedQuery(BY_USER).execute(Tuple.of(userId)).map(rows -> {
      List<Account> out = new ArrayList<>(rows.size());
      for (Row r : rows) out.add(Account.from(r));
      return out;
    });
  }

  Future<Optional<Account>> get(SqlClient db, UUID id) {
    return db.preparedQuery(GET).execute(Tuple.of(id)).map(AccountRepository::first);
  }

  /**
   * A page of an account's ledger, newest first, strictly after the cursor: an index range on
   * (account_id, posted_at, id) whatever the account's history, for the first page and every later one.
   */
  static SqlFilter.Query transactionsQuery(UUID accountId, String direction, OffsetDateTime from, OffsetDateTime to,
      KeysetCursor after, int limit) {
    SqlFilter w = SqlFilter.where("account_id = ?", accountId).and("direction = ?", direction)
        .and("posted_at >= ?", from).and("posted_at <= ?", to)
        .and("(posted_at, id) < (?, ?)", after == null ? null : after.at(), after == null ? null : after.id());
    String sql = "SELECT * FROM payments.transactions" + w.sql() + " ORDER BY posted_at DESC, id DESC"
        + " LIMIT " + w.bind(limit);
    return new SqlFilter.Query(sql, w.params());
  }

  Future<List<LedgerEntry>> transactions(SqlClient db, UUID accountId, String direction, OffsetDateTime from,
      OffsetDateTime to, KeysetCursor after, int limit) {
    SqlFilter.Query q = transactionsQuery(accountId, direction, from, to, after, limit);
    return db.preparedQuery(q.sql()).execute(q.params()).map(rows -> {
      List<LedgerEntry> out = new ArrayList<>(rows.size());
      for (Row r : rows) out.add(LedgerEntry.from(r));
      return out;
    });
  }

  /** {@code financial_health} of SPEC.md §6.7 for one user. */
  Future<JsonObject> financialHealth(SqlClient db, UUID userId) {
    return db.preparedQuery(HEALTH).execute(Tuple.of(userId)).map(rows -> {
      Row r = rows.iterator().next();
      long active = r.getLong("active_accounts");
      java.math.BigDecimal total = r.getBigDecimal("total_balance");
      return new JsonObject().put("user_id", userId.toString()).put("total_balance", Money.format(total))
          .put("total_accounts", r.getLong("total_accounts")).put("active_accounts", active)
          .put("frozen_accounts", r.getLong("frozen_accounts")).put("suspended_accounts", r.getLong("suspended_accounts"))
          .put("is_healthy", active >= 1 && total.signum() > 0).put("can_make_payments", active >= 1);
    });
  }

  private static Optional<Account> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(Account.from(rows.iterator().next()));
  }
}
