package com.ledger.payments;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The double-entry journal (payments/V6): its invariants checked ({@code payments.ledger_verify()}) and an account's
 * balance at an instant. Entries are written only by the database (the posting function and the opening trigger).
 */
final class LedgerRepository {
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
  private static final String NO_JIT = "SET LOCAL jit = off";
  private static final String BALANCE_AT = "SELECT payments.journal_balance_at($1, $2) AS balance";
  /** payments/V14: the lines since each account's checkpoint, and the checkpoints advanced (one statement). */
  private static final String VERIFY_INCREMENTAL = "SELECT payments.ledger_verify_incremental($1)::text AS report";
  /** The last full run and whether the next is due ({@code $1} ms after it). */
  private static final String LAST_FULL = """
      SELECT s.full_violations, s.full_discrepancies::text AS discrepancies,
             s.full_at IS NULL OR s.full_at <= now() - $1::bigint * interval '1 millisecond' AS due
        FROM payments.ledger_verify_state s WHERE s.id = 1""";
  private static final String RECORD_FULL = """
      UPDATE payments.ledger_verify_state
         SET full_at = now(), full_violations = $1, full_discrepancies = $2
       WHERE id = 1""";

  /** What the last full run found, and whether the periodic job runs a full one next. */
  record LastFull(long violations, JsonArray discrepancies, boolean due) {}

  /**
   * {@code {balanced, chain_intact, entries_checked, accounts_checked, violations, discrepancies: [{kind, account_id,
   * entry_id, expected, actual}]}}. Call it in a transaction: JIT is turned off for it first (compiling this plan
   * took longer than what it saves: 0.3-1 s more on a 40k-line journal).
   */
  Future<JsonObject> verify(SqlConnection tx) {
    return tx.query(NO_JIT).execute().compose(v -> tx.preparedQuery(VERIFY).execute(Tuple.of(MAX_LISTED))).map(rows -> {
      Row r = rows.iterator().next();
      JsonArray found = new JsonArray(r.getString("discrepancies"));
      return new JsonObject().put("balanced", r.getBoolean("balanced")).put("chain_intact", r.getBoolean("chain_intact"))
          .put("entries_checked", r.getLong("entries_checked")).put("accounts_checked", r.getLong("accounts_checked"))
          .put("violations", r.getLong("violations")).put("discrepancies", found);
    });
  }

  /**
   * The incremental verify (payments/V14): {@code {entries_checked, lines_checked, accounts_checked,
   * checkpoints_advanced, checkpoints_dropped, violations, balanced, chain_intact, discrepancies}}, the discrepancies as
   * in {@link #verify}. Found only among what it rechecks (see the migration): it is paired with the last full run.
   */
  Future<JsonObject> verifyIncremental(SqlClient db) {
    return db.preparedQuery(VERIFY_INCREMENTAL).execute(Tuple.of(MAX_LISTED))
        .map(rows -> new JsonObject(rows.iterator().next().getString("report")));
  }

  Future<LastFull> lastFull(SqlClient db, long fullEveryMs) {
    return db.preparedQuery(LAST_FULL).execute(Tuple.of(fullEveryMs)).map(rows -> {
      Row r = rows.iterator().next();
      return new LastFull(r.getLong("full_violations"), new JsonArray(r.getString("discrepancies")), r.getBoolean("due"));
    });
  }

  /** Keep a full run's outcome ({@link #verify}'s report) until the next full run. */
  Future<Void> recordFull(SqlClient db, JsonObject report) {
    return db.preparedQuery(RECORD_FULL)
        .execute(Tuple.of(report.getLong("violations"), report.getJsonArray("discrepancies"))).mapEmpty();
  }

  /** The account's balance from its journal lines posted at or before {@code at} (null = all of them). */
  Future<BigDecimal> balanceAt(SqlClient db, UUID accountId, OffsetDateTime at) {
    return db.preparedQuery(BALANCE_AT).execute(Tuple.of(accountId, at))
        .map(rows -> rows.iterator().next().getBigDecimal("balance"));
  }
}
