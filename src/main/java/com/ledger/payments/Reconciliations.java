package com.ledger.payments;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.banksync.api.BankSyncApi;
import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.jobs.Job;
import com.ledger.platform.jobs.JobSpec;
import com.ledger.platform.jobs.Jobs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Bank reconciliation (issue 12), the ledger's half: the admin routes (create a run and its job, read a run) and the
 * comparison itself ({@link PaymentsApi#RECONCILE}), which the ReconciliationWorker of the banking queue calls with
 * what the bank answered. Only bank-sourced records are compared (accounts by external id, transactions imported
 * from the bank by external id); local payments are not expected at the bank. Balances are not compared: after the
 * first import the local ledger is authoritative (SPEC §8.3).
 */
final class Reconciliations {
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

  private final Vertx vertx;
  private final Pool pool;

  Reconciliations(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** POST /api/admin/reconciliations {bank_login_id} → 202 {id, status, job_id}. */
  Future<ApiReply> create(ApiRequest req) {
    admin(req);
    Object raw = req.body() == null ? null : req.body().getValue("bank_login_id");
    if (raw == null) throw LedgerException.field(MISSING_FIELDS, "bank_login_id", "bank_login_id is required");
    UUID loginId;
    try {
      if (!(raw instanceof String text)) throw new IllegalArgumentException();
      loginId = UUID.fromString(text);
    } catch (RuntimeException e) {
      throw LedgerException.field(INVALID_UUID_FORMAT, "bank_login_id", "bank_login_id must be a UUID");
    }
    return pool.withTransaction(tx -> tx.preparedQuery(LOGIN).execute(Tuple.of(loginId)).compose(login -> {
      if (login.size() == 0) return LedgerException.<JsonObject>fail(ACCOUNT_NOT_FOUND, "Bank login not found");
      UUID owner = login.iterator().next().getUUID("user_id");
      return tx.preparedQuery(INSERT).execute(Tuple.of(loginId)).compose(rows -> {
        UUID id = rows.iterator().next().getUUID("id");
        JobSpec spec = JobSpec.of(PaymentsApi.RECONCILIATION_WORKER, BankSyncApi.SYNC_QUEUE,
                new JsonObject().put("reconciliation_id", id.toString()).put("login_id", loginId.toString()))
            .withOwner(owner).withTimeoutSeconds(600);
        return Jobs.enqueue(tx, spec).compose(e -> tx.preparedQuery(SET_JOB).execute(Tuple.of(id, e.job().id()))
            .map(v -> new JsonObject().put("id", id.toString()).put("status", "PENDING")
                .put("job_id", e.job().id().toString())));
      });
    })).map(data -> {
      Jobs.wake(vertx, BankSyncApi.SYNC_QUEUE);
      return ApiReply.of(202, data, new JsonObject().put("action", "reconciliation_scheduled"));
    });
  }

  /** GET /api/admin/reconciliations/{id}. */
  Future<ApiReply> get(ApiRequest req) {
    admin(req);
    UUID id = Requests.pathId(req);
    return pool.preparedQuery(GET_SETTLED).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) throw new LedgerException(RECONCILIATION_NOT_FOUND, "Reconciliation not found");
      return ApiReply.ok(toJson(rows.iterator().next()), new JsonObject().put("action", "retrieved"));
    });
  }

  /**
   * {@link PaymentsApi#RECONCILE}: compare and record; reply the outcome. Without a {@code reconciliation_id} (the
   * check after each sync) a new run is recorded.
   */
  Future<JsonObject> reconcile(JsonObject msg) {
    UUID given;
    UUID loginId;
    OffsetDateTime since;
    try {
      given = msg.getString("reconciliation_id") == null ? null : UUID.fromString(msg.getString("reconciliation_id"));
      loginId = UUID.fromString(msg.getString("login_id"));
      since = OffsetDateTime.parse(msg.getString("since"));
    } catch (RuntimeException e) {
      return LedgerException.fail(MISSING_FIELDS, "login_id and since are required");
    }
    JsonArray bankAccounts = msg.getJsonArray("accounts", new JsonArray());
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK_LOGIN).execute(Tuple.of(loginId)).compose(login -> {
      if (login.size() == 0) {
        // deleted meanwhile: nothing left to compare with; a scheduled run ends FAILED
        return given == null ? LedgerException.<JsonObject>fail(ACCOUNT_NOT_FOUND, "Bank login not found")
            : settle(tx, tx.preparedQuery(FAIL).execute(Tuple.of(given, "bank_login_deleted")), given);
      }
      return (given != null ? Future.succeededFuture(given)
          : tx.preparedQuery(INSERT).execute(Tuple.of(loginId)).map(rows -> rows.iterator().next().getUUID("id")))
          .compose(id -> compare(tx, id, loginId, since, bankAccounts));
    }));
  }

  /** The row a conditional write returned, else (the run had already ended: FAILED or COMPLETED) the row as it is. */
  private static Future<JsonObject> settle(SqlConnection tx, Future<RowSet<Row>> written, UUID id) {
    return written.compose(rows -> rows.size() > 0 ? Future.succeededFuture(rows)
            : tx.preparedQuery(GET).execute(Tuple.of(id)))
        .map(rows -> {
          if (rows.size() == 0) throw new LedgerException(RECONCILIATION_NOT_FOUND, "Reconciliation not found");
          return toJson(rows.iterator().next());
        });
  }

  private Future<JsonObject> compare(SqlConnection tx, UUID id, UUID loginId, OffsetDateTime since,
      JsonArray bankAccounts) {
    return tx.preparedQuery(LEDGER_ACCOUNTS).execute(Tuple.of(loginId)).compose(accs -> {
      Map<String, UUID> ledgerAccounts = new HashMap<>();
      for (Row r : accs) ledgerAccounts.put(r.getString("external_account_id"), r.getUUID("id"));
      UUID[] ids = ledgerAccounts.values().toArray(new UUID[0]);
      return tx.preparedQuery(LEDGER_TRANSACTIONS).execute(Tuple.of(ids, since)).compose(txns -> {
        Map<String, Row> ledgerTxns = new HashMap<>();
        for (Row r : txns) ledgerTxns.put(r.getUUID("account_id") + "|" + r.getString("external_transaction_id"), r);
        int matched = 0;
        JsonArray missingInLedger = new JsonArray();
        JsonArray mismatches = new JsonArray();
        Set<String> seen = new HashSet<>();
        for (Object o : bankAccounts) {
          JsonObject a = (JsonObject) o;
          String ext = a.getString("external_account_id");
          UUID local = ledgerAccounts.get(ext);
          if (local == null) {
            missingInLedger.add(new JsonObject().put("type", "account").put("external_account_id", ext));
            continue;
          }
          for (Object t : a.getJsonArray("transactions", new JsonArray())) {
            JsonObject bt = (JsonObject) t;
            String key = local + "|" + bt.getString("external_transaction_id");
            seen.add(key);
            Row lt = ledgerTxns.get(key);
            BigDecimal amount = new BigDecimal(bt.getString("amount"));
            if (lt == null) {
              missingInLedger.add(new JsonObject().put("type", "transaction").put("external_account_id", ext)
                  .put("external_transaction_id", bt.getString("external_transaction_id"))
                  .put("amount", Money.format(amount.setScale(2))).put("direction", bt.getString("direction")));
            } else if (lt.getBigDecimal("amount").compareTo(amount) != 0
                || !lt.getString("direction").equals(bt.getString("direction"))) {
              mismatches.add(new JsonObject().put("external_account_id", ext)
                  .put("external_transaction_id", bt.getString("external_transaction_id"))
                  .put("bank_amount", Money.format(amount.setScale(2))).put("bank_direction", bt.getString("direction"))
                  .put("ledger_amount", Money.format(lt.getBigDecimal("amount")))
                  .put("ledger_direction", lt.getString("direction")));
            } else {
              matched++;
            }
          }
        }
        JsonArray missingAtBank = new JsonArray();
        Map<UUID, String> extById = new HashMap<>();
        ledgerAccounts.forEach((ext, uid) -> extById.put(uid, ext));
        for (Map.Entry<String, Row> e : ledgerTxns.entrySet()) {
          if (seen.contains(e.getKey())) continue;
          Row lt = e.getValue();
          missingAtBank.add(new JsonObject().put("type", "transaction")
              .put("external_account_id", extById.get(lt.getUUID("account_id")))
              .put("external_transaction_id", lt.getString("external_transaction_id"))
              .put("amount", Money.format(lt.getBigDecimal("amount"))).put("direction", lt.getString("direction")));
        }
        return settle(tx, tx.preparedQuery(COMPLETE).execute(Tuple.of(id, matched, missingInLedger, missingAtBank,
            mismatches)), id);
      });
    });
  }

  /**
   * {@link ReconciliationRetryGuard}: before a dead ReconciliationWorker job is re-queued (in that transaction), its
   * run goes back to PENDING; a run that COMPLETED, is missing, or whose bank login was deleted refuses the retry.
   */
  static Future<Void> reopen(Job job, SqlConnection tx) {
    UUID id;
    try {
      id = UUID.fromString(job.arg("reconciliation_id"));
    } catch (RuntimeException e) {
      return LedgerException.fail(JOB_NOT_RETRYABLE, "The job names no valid reconciliation");
    }
    return tx.preparedQuery(REOPEN).execute(Tuple.of(id, job.id())).compose(rows -> rows.size() == 1
        ? Future.<Void>succeededFuture()
        : LedgerException.fail(JOB_NOT_RETRYABLE,
            "The job's reconciliation is missing, COMPLETED, or its bank login no longer exists"));
  }

  static JsonObject toJson(Row r) {
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

  private static void admin(ApiRequest req) {
    Caller c = Requests.caller(req);
    if (!c.isAdmin()) throw new LedgerException(INSUFFICIENT_PERMISSIONS, "Only admins may reconcile bank logins");
  }
}
