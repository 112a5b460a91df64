package com.ledger.payments;

import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.bus.Replies;
import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.config.PaymentsConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.observability.Invariants;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
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
    return pool.withTransaction(tx -> Ledger.verify(tx).compose(report -> Ledger.recordFull(tx, report).map(report)))
        .map(report -> {
      publish(report);
      return ApiReply.ok(report, new JsonObject().put("action", "verified"));
    });
  }

  private void tick() {
    if (running) return;
    running = true;
    pool.withTransaction(tx -> tx.preparedQuery("SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked")
            .execute(Tuple.of(LOCK_KEY))
            .compose(rows -> rows.iterator().next().getBoolean("locked") ? periodic(tx)
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
    return Ledger.lastFull(tx, cfg.ledgerVerifyFullIntervalMs()).compose(last -> last.due()
        ? Ledger.verify(tx).compose(report -> Ledger.recordFull(tx, report).map(report.put("mode", "full")))
        : Ledger.verifyIncremental(tx).map(report -> Ledger.withLastFull(report, last).put("mode", "incremental")));
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
}
