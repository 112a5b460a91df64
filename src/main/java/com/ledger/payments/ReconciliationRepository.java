package com.ledger.payments;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL for {@code payments.reconciliations} and the ledger reads a comparison needs ({@link Reconciliations} decides).
 * A run comes back as its published JSON (SPEC.md, the admin reconciliation routes), mapped here by {@link #toJson}.
 */
final class ReconciliationRepository {
  private static final String LOGIN = "SELECT l.user_id FROM banksync.user_bank_logins l WHERE l.id = $1";
  private static final String INSERT = """
      INSERT INTO payments.reconciliations (bank_login_id) VALUES ($1) RETURNING id""";
  private static final String SET_JOB = "UPDATE payments.reconciliations SET job_id = $2 WHERE id = $1";
  private static final String GET = "SELECT * FROM payments.reconciliations WHERE id = $1";
  /**
   * A run read while PENDING whose job can no longer record it ends FAILED here, in the statement that reads it (the
   * jobs table is the truth): its bank login was deleted ({@code bank_login_deleted}), its job was dead-lettered (the
   * reason of the job's last failed attempt, e.g. {@code bank_credentials_invalid} or {@code timeout} when a crashed
   * node's job was given up by the rescue), cancelled ({@code job_cancelled}), deleted ({@code job_deleted}), or
   * completed without recording it ({@code job_completed_without_result}). Otherwise the row as it is. It reads
   * {@code jobs.jobs} outside {@code JobStore} on purpose: the run is settled from its job in this one statement.
   */
  private static final String GET_SETTLED = """
      WITH settled AS (
        UPDATE payments.reconciliations r
           SET status = 'FAILED', failure_reason = v.reason, completed_at = date_trunc('second', now())
          FROM (SELECT x.id,
                       CASE WHEN NOT EXISTS (SELECT 1 FROM banksync.user_bank_logins l WHERE l.id = x.bank_login_id)
                              THEN 'bank_login_deleted'
                            WHEN j.id IS NULL THEN 'job_deleted'
                            WHEN j.state = 'dead' THEN coalesce(j.errors -> -1 ->> 'reason', 'job_dead')
                            WHEN j.state = 'cancelled' THEN 'job_cancelled'
                            WHEN j.state = 'completed' THEN 'job_completed_without_result'
                       END AS reason
                  FROM payments.reconciliations x
                  LEFT JOIN jobs.jobs j ON j.id = x.job_id
                 WHERE x.id = $1 AND x.status = 'PENDING' AND x.job_id IS NOT NULL) v
         WHERE r.id = v.id AND v.reason IS NOT NULL AND r.status = 'PENDING'
        RETURNING r.*)
      SELECT * FROM settled
      UNION ALL
      SELECT * FROM payments.reconciliations r WHERE r.id = $1 AND NOT EXISTS (SELECT 1 FROM settled)""";
  /** The compared login, held until the comparison commits: a login delete (and its cascade) waits for it. */
  private static final String LOCK_LOGIN = "SELECT 1 FROM banksync.user_bank_logins l WHERE l.id = $1 FOR KEY SHARE";
  private static final String FAIL = """
      UPDATE payments.reconciliations
         SET status = 'FAILED', failure_reason = $2, completed_at = date_trunc('second', now())
       WHERE id = $1 AND status = 'PENDING'
      RETURNING *""";
  private static final String LEDGER_ACCOUNTS = """
      SELECT a.id, a.external_account_id FROM payments.user_bank_accounts a
       WHERE a.user_bank_login_id = $1 AND a.external_account_id IS NOT NULL""";
  private static final String LEDGER_TRANSACTIONS = """
      SELECT t.account_id, t.external_transaction_id, t.amount, t.direction FROM payments.transactions t
       WHERE t.account_id = ANY($1) AND t.external_transaction_id IS NOT NULL AND t.posted_at >= $2""";
  private static final String COMPLETE = """
      UPDATE payments.reconciliations
         SET status = 'COMPLETED', matched = $2, missing_in_ledger = $3, missing_at_bank = $4,
             amount_mismatches = $5, failure_reason = NULL, completed_at = date_trunc('second', now())
       WHERE id = $1 AND status = 'PENDING'
      RETURNING *""";

  /** The admin retry of a dead job: its run (FAILED or still PENDING) is PENDING again, unless its login is gone. */
  private static final String REOPEN = """
      UPDATE payments.reconciliations r SET status = 'PENDING', failure_reason = NULL, completed_at = NULL
       WHERE r.id = $1 AND r.job_id = $2 AND r.status IN ('PENDING', 'FAILED')
         AND EXISTS (SELECT 1 FROM banksync.user_bank_logins l WHERE l.id = r.bank_login_id)
      RETURNING r.id""";

  /** A bank-imported ledger transaction a comparison looks at. */
  record LedgerTransaction(UUID accountId, String externalTransactionId, BigDecimal amount, String direction) {}

  /** The owner of the bank login, or empty when there is no such login. */
  Future<Optional<UUID>> loginOwner(SqlClient db, UUID loginId) {
    return db.preparedQuery(LOGIN).execute(Tuple.of(loginId))
        .map(rows -> rows.size() == 0 ? Optional.<UUID>empty()
            : Optional.of(rows.iterator().next().getUUID("user_id")));
  }

  /** A new PENDING run of the login; its id. */
  Future<UUID> insert(SqlClient db, UUID loginId) {
    return db.preparedQuery(INSERT).execute(Tuple.of(loginId)).map(rows -> rows.iterator().next().getUUID("id"));
  }

  Future<Void> setJob(SqlClient db, UUID id, UUID jobId) {
    return db.preparedQuery(SET_JOB).execute(Tuple.of(id, jobId)).mapEmpty();
  }

  Future<Optional<JsonObject>> get(SqlClient db, UUID id) {
    return db.preparedQuery(GET).execute(Tuple.of(id)).map(ReconciliationRepository::first);
  }

  /** The run, settled from its job first when it can no longer be recorded ({@link #GET_SETTLED}). */
  Future<Optional<JsonObject>> getSettled(SqlClient db, UUID id) {
    return db.preparedQuery(GET_SETTLED).execute(Tuple.of(id)).map(ReconciliationRepository::first);
  }

  /** Hold the login until the transaction ends; false when there is no such login. */
  Future<Boolean> lockLogin(SqlClient tx, UUID loginId) {
    return tx.preparedQuery(LOCK_LOGIN).execute(Tuple.of(loginId)).map(rows -> rows.size() != 0);
  }

  /** PENDING → FAILED with the reason; empty when the run had already ended. */
  Future<Optional<JsonObject>> fail(SqlClient tx, UUID id, String reason) {
    return tx.preparedQuery(FAIL).execute(Tuple.of(id, reason)).map(ReconciliationRepository::first);
  }

  /** External account id → ledger account id, for the login's bank-imported accounts. */
  Future<Map<String, UUID>> ledgerAccounts(SqlClient tx, UUID loginId) {
    return tx.preparedQuery(LEDGER_ACCOUNTS).execute(Tuple.of(loginId)).map(accs -> {
      Map<String, UUID> ledgerAccounts = new HashMap<>();
      for (Row r : accs) ledgerAccounts.put(r.getString("external_account_id"), r.getUUID("id"));
      return ledgerAccounts;
    });
  }

  /** The bank-imported transactions of the accounts posted since {@code since}. */
  Future<List<LedgerTransaction>> ledgerTransactions(SqlClient tx, UUID[] accountIds, OffsetDateTime since) {
    return tx.preparedQuery(LEDGER_TRANSACTIONS).execute(Tuple.of(accountIds, since)).map(txns -> {
      List<LedgerTransaction> out = new ArrayList<>(txns.size());
      for (Row r : txns) {
        out.add(new LedgerTransaction(r.getUUID("account_id"), r.getString("external_transaction_id"),
            r.getBigDecimal("amount"), r.getString("direction")));
      }
      return out;
    });
  }

  /** PENDING → COMPLETED with the comparison; empty when the run had already ended. */
  Future<Optional<JsonObject>> complete(SqlClient tx, UUID id, int matched, JsonArray missingInLedger,
      JsonArray missingAtBank, JsonArray mismatches) {
    return tx.preparedQuery(COMPLETE).execute(Tuple.of(id, matched, missingInLedger, missingAtBank, mismatches))
        .map(ReconciliationRepository::first);
  }

  /** The run of the job back to PENDING (see {@link #REOPEN}); false when it may not be. */
  Future<Boolean> reopen(SqlClient tx, UUID id, UUID jobId) {
    return tx.preparedQuery(REOPEN).execute(Tuple.of(id, jobId)).map(rows -> rows.size() == 1);
  }

  private static Optional<JsonObject> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next()));
  }

  private static JsonObject toJson(Row r) {
    return new JsonObject().put("id", r.getUUID("id").toString())
        .put("bank_login_id", r.getUUID("bank_login_id").toString()).put("status", r.getString("status"))
        .put("job_id", r.getUUID("job_id") == null ? null : r.getUUID("job_id").toString())
        .put("matched", r.getInteger("matched"))
        .put("missing_in_ledger", array(r.getValue("missing_in_ledger")))
        .put("missing_at_bank", array(r.getValue("missing_at_bank")))
        .put("amount_mismatches", array(r.getValue("amount_mismatches")))
        .put("failure_reason", r.getString("failure_reason"))
        .put("inserted_at", Times.format(Times.instant(r.getOffsetDateTime("inserted_at"))))
        .put("completed_at", Times.format(Times.instant(r.getOffsetDateTime("completed_at"))));
  }

  private static JsonArray array(Object v) {
    if (v == null) return new JsonArray();
    if (v instanceof JsonArray a) return a;
    return new JsonArray(String.valueOf(v));
  }
}
