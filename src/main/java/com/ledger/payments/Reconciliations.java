package com.ledger.payments;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.banksync.api.BankSyncApi;
import com.ledger.payments.ReconciliationRepository.LedgerTransaction;
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
import io.vertx.sqlclient.SqlConnection;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
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
  private final Vertx vertx;
  private final Pool pool;
  private final ReconciliationRepository runs;

  Reconciliations(Vertx vertx, Pool pool, ReconciliationRepository runs) {
    this.vertx = vertx;
    this.pool = pool;
    this.runs = runs;
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
    return pool.withTransaction(tx -> runs.loginOwner(tx, loginId).compose(login -> {
      if (login.isEmpty()) return LedgerException.<JsonObject>fail(ACCOUNT_NOT_FOUND, "Bank login not found");
      UUID owner = login.get();
      return runs.insert(tx, loginId).compose(id -> {
        JobSpec spec = JobSpec.of(PaymentsApi.RECONCILIATION_WORKER, BankSyncApi.SYNC_QUEUE,
                new JsonObject().put("reconciliation_id", id.toString()).put("login_id", loginId.toString()))
            .withOwner(owner).withTimeoutSeconds(600);
        return Jobs.enqueue(tx, spec).compose(e -> runs.setJob(tx, id, e.job().id())
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
    return runs.getSettled(pool, id).map(found -> {
      if (found.isEmpty()) throw new LedgerException(RECONCILIATION_NOT_FOUND, "Reconciliation not found");
      return ApiReply.ok(found.get(), new JsonObject().put("action", "retrieved"));
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
    return pool.withTransaction(tx -> runs.lockLogin(tx, loginId).compose(login -> {
      if (!login) {
        // deleted meanwhile: nothing left to compare with; a scheduled run ends FAILED
        return given == null ? LedgerException.<JsonObject>fail(ACCOUNT_NOT_FOUND, "Bank login not found")
            : settle(tx, runs.fail(tx, given, "bank_login_deleted"), given);
      }
      return (given != null ? Future.succeededFuture(given)
          : runs.insert(tx, loginId))
          .compose(id -> compare(tx, id, loginId, since, bankAccounts));
    }));
  }

  /** The row a conditional write returned, else (the run had already ended: FAILED or COMPLETED) the row as it is. */
  private Future<JsonObject> settle(SqlConnection tx, Future<Optional<JsonObject>> written, UUID id) {
    return written.compose(row -> row.isPresent() ? Future.succeededFuture(row)
            : runs.get(tx, id))
        .map(row -> {
          if (row.isEmpty()) throw new LedgerException(RECONCILIATION_NOT_FOUND, "Reconciliation not found");
          return row.get();
        });
  }

  private Future<JsonObject> compare(SqlConnection tx, UUID id, UUID loginId, OffsetDateTime since,
      JsonArray bankAccounts) {
    return runs.ledgerAccounts(tx, loginId).compose(ledgerAccounts -> {
      UUID[] ids = ledgerAccounts.values().toArray(new UUID[0]);
      return runs.ledgerTransactions(tx, ids, since).compose(txns -> {
        Map<String, LedgerTransaction> ledgerTxns = new HashMap<>();
        for (LedgerTransaction r : txns) ledgerTxns.put(r.accountId() + "|" + r.externalTransactionId(), r);
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
            LedgerTransaction lt = ledgerTxns.get(key);
            BigDecimal amount = new BigDecimal(bt.getString("amount"));
            if (lt == null) {
              missingInLedger.add(new JsonObject().put("type", "transaction").put("external_account_id", ext)
                  .put("external_transaction_id", bt.getString("external_transaction_id"))
                  .put("amount", Money.format(amount.setScale(2))).put("direction", bt.getString("direction")));
            } else if (lt.amount().compareTo(amount) != 0
                || !lt.direction().equals(bt.getString("direction"))) {
              mismatches.add(new JsonObject().put("external_account_id", ext)
                  .put("external_transaction_id", bt.getString("external_transaction_id"))
                  .put("bank_amount", Money.format(amount.setScale(2))).put("bank_direction", bt.getString("direction"))
                  .put("ledger_amount", Money.format(lt.amount()))
                  .put("ledger_direction", lt.direction()));
            } else {
              matched++;
            }
          }
        }
        JsonArray missingAtBank = new JsonArray();
        Map<UUID, String> extById = new HashMap<>();
        ledgerAccounts.forEach((ext, uid) -> extById.put(uid, ext));
        for (Map.Entry<String, LedgerTransaction> e : ledgerTxns.entrySet()) {
          if (seen.contains(e.getKey())) continue;
          LedgerTransaction lt = e.getValue();
          missingAtBank.add(new JsonObject().put("type", "transaction")
              .put("external_account_id", extById.get(lt.accountId()))
              .put("external_transaction_id", lt.externalTransactionId())
              .put("amount", Money.format(lt.amount())).put("direction", lt.direction()));
        }
        return settle(tx, runs.complete(tx, id, matched, missingInLedger, missingAtBank,
            mismatches), id);
      });
    });
  }

  /**
   * {@link ReconciliationRetryGuard}: before a dead ReconciliationWorker job is re-queued (in that transaction), its
   * run goes back to PENDING; a run that COMPLETED, is missing, or whose bank login was deleted refuses the retry.
   */
  static Future<Void> reopen(ReconciliationRepository runs, Job job, SqlConnection tx) {
    UUID id;
    try {
      id = UUID.fromString(job.arg("reconciliation_id"));
    } catch (RuntimeException e) {
      return LedgerException.fail(JOB_NOT_RETRYABLE, "The job names no valid reconciliation");
    }
    return runs.reopen(tx, id, job.id()).compose(reopened -> reopened
        ? Future.<Void>succeededFuture()
        : LedgerException.fail(JOB_NOT_RETRYABLE,
            "The job's reconciliation is missing, COMPLETED, or its bank login no longer exists"));
  }

  private static void admin(ApiRequest req) {
    Caller c = Requests.caller(req);
    if (!c.isAdmin()) throw new LedgerException(INSUFFICIENT_PERMISSIONS, "Only admins may reconcile bank logins");
  }
}
