package com.ledger.payments;

import com.ledger.payments.api.SyncImportApi;
import com.ledger.platform.bus.Consumers;
import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.db.SqlStates;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;

/**
 * Serves {@link SyncImportApi#ADDRESS} (deployed with the payments role): writes synced bank accounts and
 * transactions into the payments schema in one transaction, upserting by external ids so a re-sync adds nothing
 * twice. See {@link SyncImportApi} for the message.
 */
public final class SyncImportConsumer extends VerticleBase {
  private final DbConfig db;
  private final SyncImportRepository imports = new SyncImportRepository();
  private Pool pool;

  public SyncImportConsumer(DbConfig db) {
    this.db = db;
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, db);
    return Consumers.internal(vertx, SyncImportApi.ADDRESS, this::importBatch);
  }

  Future<JsonObject> importBatch(JsonObject msg) {
    UUID loginId;
    UUID userId;
    try {
      loginId = UUID.fromString(msg.getString("login_id"));
      userId = UUID.fromString(msg.getString("user_id"));
    } catch (RuntimeException e) {
      return LedgerException.fail(ErrorCode.MISSING_FIELDS, "login_id and user_id must be UUIDs");
    }
    JsonArray accounts = msg.getJsonArray("accounts", new JsonArray());
    JsonObject totals = new JsonObject().put("accounts_synced", 0).put("accounts_created", 0)
        .put("transactions_imported", 0).put("accounts_skipped", 0);
    return pool.withTransaction(tx -> {
      Future<Void> chain = Future.succeededFuture();
      for (Object o : accounts) {
        JsonObject a = (JsonObject) o;
        chain = chain.compose(v -> importAccount(tx, loginId, userId, a, totals));
      }
      return chain.map(totals);
    }).recover(err -> SqlStates.isForeignKeyViolation(err)
        ? LedgerException.fail(ErrorCode.ACCOUNT_NOT_FOUND, "The bank login no longer exists")
        : Future.failedFuture(err));
  }

  private Future<Void> importAccount(SqlConnection tx, UUID loginId, UUID userId, JsonObject a, JsonObject totals) {
    java.math.BigDecimal balance;
    try {
      balance = new java.math.BigDecimal(a.getString("balance"));
    } catch (RuntimeException e) {
      return LedgerException.fail(ErrorCode.MISSING_FIELDS, "balance must be a decimal string");
    }
    return imports.upsertAccount(tx, a.getString("currency"), a.getString("account_type"), balance,
        a.getString("last_four"), a.getString("account_name"), a.getString("status"), a.getString("external_account_id"),
        loginId, userId).compose(upserted -> {
      if (upserted.isEmpty()) { // the external id belongs to another login: never take it over
        totals.put("accounts_skipped", totals.getInteger("accounts_skipped") + 1);
        return Future.succeededFuture();
      }
      var row = upserted.get();
      totals.put("accounts_synced", totals.getInteger("accounts_synced") + 1);
      if (row.created()) totals.put("accounts_created", totals.getInteger("accounts_created") + 1);
      return importTransactions(tx, row.id(), userId, a.getJsonArray("transactions", new JsonArray()))
          .map(n -> {
            totals.put("transactions_imported", totals.getInteger("transactions_imported") + n);
            return null;
          });
    });
  }

  private Future<Integer> importTransactions(SqlConnection tx, UUID accountId, UUID userId, JsonArray txns) {
    if (txns.isEmpty()) return Future.succeededFuture(0);
    int n = txns.size();
    String[] d = new String[n];
    String[] amount = new String[n];
    String[] dir = new String[n];
    String[] posted = new String[n];
    String[] ext = new String[n];
    for (int i = 0; i < n; i++) {
      JsonObject t = txns.getJsonObject(i);
      d[i] = t.getString("description");
      amount[i] = t.getString("amount");
      dir[i] = t.getString("direction");
      posted[i] = t.getString("posted_at");
      ext[i] = t.getString("external_transaction_id");
    }
    return imports.insertTransactions(tx, accountId, userId, d, amount, dir, posted, ext);
  }

  @Override
  public Future<?> stop() {
    return pool.close();
  }
}
