package com.ledger.banksync;

import com.ledger.banksync.api.BankSyncApi;
import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Consumers;
import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.config.SyncSettings;
import com.ledger.platform.config.WebhooksConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.idempotency.Idempotency;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.function.Function;

/** Owns the {@code banksync} schema and serves the banksync.* and webhooks.* addresses. */
public final class BankSyncVerticle extends VerticleBase {
  private static final long PRUNE_INTERVAL_MS = 3_600_000;

  private final DbConfig db;
  private final SyncSettings settings;
  private final WebhooksConfig webhooksCfg;
  private final Idempotency.Settings idempotency;
  private final long requestTimeoutMs;
  private final BankRuntime runtime;
  private Pool pool;
  private long pruneTimer = -1;

  /**
   * @param idempotency      the Idempotency-Key settings of the payments section (bank logins honour them too)
   * @param requestTimeoutMs the HTTP request timeout (a bank login answers within it)
   */
  public BankSyncVerticle(DbConfig db, SyncSettings settings, WebhooksConfig webhooksCfg,
      Idempotency.Settings idempotency, long requestTimeoutMs, BankRuntime runtime) {
    this.db = db;
    this.settings = settings;
    this.webhooksCfg = webhooksCfg;
    this.idempotency = idempotency;
    this.requestTimeoutMs = requestTimeoutMs;
    this.runtime = runtime;
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, db);
    LoginRepository loginRepo = new LoginRepository();
    SyncJobs jobs = new SyncJobs(vertx, settings);
    long budget = Math.max(500, requestTimeoutMs - 1000);
    LoginsHandler logins = new LoginsHandler(pool, loginRepo, runtime.client(vertx), runtime.cipher(), jobs, budget,
        // bank-login bodies carry the bank password: their fingerprints are keyed MACs, not plain hashes
        new Idempotency(vertx, pool, idempotency, runtime.cipher()::mac));
    WebhooksHandler webhooks = new WebhooksHandler(webhooksCfg, pool, loginRepo, jobs);
    BankRepository banks = new BankRepository();
    pruneTimer = vertx.setPeriodic(PRUNE_INTERVAL_MS, id -> webhooks.prune());
    return Future.all(List.of(
        serve(BankSyncApi.BANKS_LIST, req -> banks.listActive(pool, countryFilter(req.queryParam("country")))
            .map(list -> ApiReply.ok(list, new JsonObject().put("total_count", list.size())))),
        serve(BankSyncApi.LOGINS_CREATE, logins::create),
        serve(BankSyncApi.LOGINS_LIST, logins::list),
        serve(BankSyncApi.LOGINS_DELETE, logins::delete),
        serve(BankSyncApi.SYNC_LOGIN, logins::sync),
        serve(BankSyncApi.WEBHOOKS_LIST, webhooks::list),
        serve(BankSyncApi.WEBHOOKS_PROVIDER, webhooks::provider),
        serve(BankSyncApi.WEBHOOKS_PAYMENT_STATUS, webhooks::paymentStatus),
        serve(BankSyncApi.WEBHOOKS_BANK_SYNC, webhooks::bankSync),
        serve(BankSyncApi.WEBHOOKS_FRAUD_DETECTION, webhooks::fraud)));
  }

  private Future<Void> serve(String address, Function<ApiRequest, Future<ApiReply>> handler) {
    return Consumers.api(vertx, address, handler);
  }

  /** The {@code country} query filter: trimmed and upper-cased, or null (no filter) when absent or blank. */
  private static String countryFilter(String s) {
    return s == null || s.isBlank() ? null : s.trim().toUpperCase(java.util.Locale.ROOT);
  }

  @Override
  public Future<?> stop() {
    if (pruneTimer >= 0) vertx.cancelTimer(pruneTimer);
    return pool.close();
  }
}
