package com.ledger.payments;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The double-entry journal (payments/V6): its invariants checked ({@code payments.ledger_verify()}) and an account's
 * balance at an instant. Entries are written only by the database (the posting function and the opening trigger).
 */
final class Ledger {
  /** At most this many discrepancies are listed (all are counted). */
  static final int MAX_LISTED = 1000;

  // one statement: the counts and the discrepancies come from the same snapshot
  private static final String VERIFY = """
      WITH d AS MATERIALIZED (SELECT * FROM payments.ledger_verify())
      SELECT (SELECT count(*) FROM payments.journal_entries) AS entries_checked,
             (SELECT count(*) FROM (SELECT a.id FROM payments.user_bank_accounts a
                                    UNION
                                    SELECT l.account_id FROM payments.journal_lines l
                                     WHERE l.account_id IS NOT NULL) x) AS accounts_checked,
             (SELECT count(*) FROM d) AS violations,
             NOT EXISTS (SELECT 1 FROM d WHERE d.kind IN ('unbalanced_entry', 'empty_entry', 'orphan_line')) AS balanced,
             NOT EXISTS (SELECT 1 FROM d WHERE d.kind = 'chain_broken') AS chain_intact,
             (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', v.kind, 'account_id', v.account_id,
                                                           'entry_id', v.entry_id, 'expected', v.expected,
                                                           'actual', v.actual)), '[]'::jsonb)::text
                FROM (SELECT * FROM d ORDER BY d.kind, d.account_id, d.entry_id LIMIT $1) v) AS discrepancies""";
  private static final String BALANCE_AT = "SELECT payments.journal_balance_at($1, $2) AS balance";

  private Ledger() {}

  /**
   * {@code {balanced, chain_intact, entries_checked, accounts_checked, violations, discrepancies: [{kind, account_id,
   * entry_id, expected, actual}]}}.
   */
  static Future<JsonObject> verify(SqlClient db) {
    return db.preparedQuery(VERIFY).execute(Tuple.of(MAX_LISTED)).map(rows -> {
      Row r = rows.iterator().next();
      JsonArray found = new JsonArray(r.getString("discrepancies"));
      return new JsonObject().put("balanced", r.getBoolean("balanced")).put("chain_intact", r.getBoolean("chain_intact"))
          .put("entries_checked", r.getLong("entries_checked")).put("accounts_checked", r.getLong("accounts_checked"))
          .put("violations", r.getLong("violations")).put("discrepancies", found);
    });
  }

  /** The account's balance from its journal lines posted at or before {@code at} (null = all of them). */
  static Future<BigDecimal> balanceAt(SqlClient db, UUID accountId, OffsetDateTime at) {
    return db.preparedQuery(BALANCE_AT).execute(Tuple.of(accountId, at))
        .map(rows -> rows.iterator().next().getBigDecimal("balance"));
  }
}
