package com.ledger.payments;

import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.bus.Replies;
import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.config.PaymentsConfig;
import com.ledger.platform.db.AdvisoryLocks;
import com.ledger.platform.db.Pools;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.observability.Invariants;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's invariants (issue 12), deployed with the payments role: serves {@code ledger.verify}
 * (GET /api/admin/ledger/verify, admin: always the full {@code payments.ledger_verify()}) and runs a verify every
 * {@code payments.ledger_verify_interval_ms} (0 = never) on one node at a time (a transaction-scoped advisory lock; the
 * other nodes skip that tick). The periodic run is the full one when the last full run (periodic or admin) is
 * {@code payments.ledger_verify_full_interval_ms} old (0 = every run), else the incremental
 * {@code payments.ledger_verify_incremental()} (payments/V14: the lines written since each account's checkpoint, every
 * account's balance and chain head), whose findings are reported together with the last full run's. Every run
 * publishes its count of discrepancies on {@link Invariants#ADDRESS}, so every node's metric and detailed health follow.
 */
public final class LedgerVerifyVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerVerifyVerticle.class);
  private static final String LOCK_KEY = "payments-ledger-verify";

  private final DbConfig db;
  private final PaymentsConfig cfg;
  private final LedgerRepository ledger = new LedgerRepository();
  private Pool pool;
  private long timer = -1;
  private boolean running;

  public LedgerVerifyVerticle(DbConfig db, PaymentsConfig cfg) {
    this.db = db;
    this.cfg = cfg;
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, db);
    int every = cfg.ledgerVerifyIntervalMs();
    if (every > 0) timer = vertx.setPeriodic(every, id -> tick());
    return vertx.eventBus().<JsonObject>consumer(PaymentsApi.LEDGER_VERIFY, m -> Replies.api(m, this::verify))
        .completion();
  }

  private Future<ApiReply> verify(ApiRequest req) {
    Caller c = Requests.caller(req);
    if (!c.isAdmin()) {
      return LedgerException.fail(ErrorCode.INSUFFICIENT_PERMISSIONS, "Only admins may verify the ledger");
    }
    return pool.withTransaction(tx -> ledger.verify(tx).compose(report -> ledger.recordFull(tx, report).map(report)))
        .map(report -> {
      publish(report);
      return ApiReply.ok(report, new JsonObject().put("action", "verified"));
    });
  }

  private void tick() {
    if (running) return;
    running = true;
    pool.withTransaction(tx -> AdvisoryLocks.tryTransactionLock(tx, LOCK_KEY)
            .compose(locked -> locked ? periodic(tx)
                : Future.<JsonObject>succeededFuture(null)))
        .onComplete(ar -> {
          running = false;
          if (ar.failed()) {
            LOG.atWarn().addKeyValue("error", String.valueOf(ar.cause())).log("ledger.verify failed");
          } else if (ar.result() != null) {
            JsonObject r = ar.result();
            LOG.atDebug().addKeyValue("mode", r.getString("mode")).addKeyValue("entries", r.getLong("entries_checked"))
                .addKeyValue("violations", r.getLong("violations")).log("ledger.verify done");
            publish(r);
          }
        });
  }

  /** A full run when due (and recorded as the last one), else an incremental one reported with the last full's. */
  private Future<JsonObject> periodic(SqlConnection tx) {
    return ledger.lastFull(tx, cfg.ledgerVerifyFullIntervalMs()).compose(last -> last.due()
        ? ledger.verify(tx).compose(report -> ledger.recordFull(tx, report).map(report.put("mode", "full")))
        : ledger.verifyIncremental(tx).map(report -> withLastFull(report, last).put("mode", "incremental")));
  }

  private void publish(JsonObject report) {
    long n = report.getLong("violations");
    vertx.eventBus().publish(Invariants.ADDRESS, new JsonObject().put("violations", n)
        .put("checked_at", Instant.now().toString()));
    if (n > 0) {
      LOG.atError().addKeyValue("violations", n).addKeyValue("balanced", report.getBoolean("balanced"))
          .addKeyValue("chainIntact", report.getBoolean("chain_intact")).log("ledger invariants violated");
    }
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    return pool.close();
  }

  /**
   * An incremental report together with the last full run's findings (which it does not recheck): the discrepancies
   * of both (the same kind, account and entry once), their count, and the flags over both.
   */
  static JsonObject withLastFull(JsonObject incremental, LedgerRepository.LastFull full) {
    JsonArray found = incremental.getJsonArray("discrepancies").copy();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Object o : found) seen.add(key((JsonObject) o));
    long overlap = 0;
    boolean balanced = incremental.getBoolean("balanced");
    boolean chainIntact = incremental.getBoolean("chain_intact");
    for (Object o : full.discrepancies()) {
      JsonObject d = (JsonObject) o;
      String kind = d.getString("kind");
      if (kind.equals("chain_broken")) chainIntact = false;
      if (kind.equals("unbalanced_entry") || kind.equals("empty_entry") || kind.equals("orphan_line")) balanced = false;
      if (seen.contains(key(d))) {
        overlap++;
      } else if (found.size() < LedgerRepository.MAX_LISTED) {
        found.add(d);
      }
    }
    return incremental.copy().put("discrepancies", found).put("balanced", balanced).put("chain_intact", chainIntact)
        .put("violations", incremental.getLong("violations") + full.violations() - overlap)
        .put("full_violations", full.violations());
  }

  private static String key(JsonObject d) {
    return d.getString("kind") + "|" + d.getValue("account_id") + "|" + d.getValue("entry_id");
  }
}
