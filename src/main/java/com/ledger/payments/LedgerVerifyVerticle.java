package com.ledger.payments;

import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.bus.Replies;
import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.ConfigReader;
import com.ledger.platform.db.Pools;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.observability.Invariants;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's invariants (issue 12), deployed with the payments role: serves {@code ledger.verify}
 * (GET /api/admin/ledger/verify, admin) and runs the same verify every {@code payments.ledger_verify_interval_ms}
 * (0 = never) on one node at a time (a transaction-scoped advisory lock; the other nodes skip that tick). Every run
 * publishes its count of discrepancies on {@link Invariants#ADDRESS}, so every node's metric and detailed health follow.
 */
public final class LedgerVerifyVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerVerifyVerticle.class);
  private static final String LOCK_KEY = "payments-ledger-verify";

  private final AppConfig cfg;
  private Pool pool;
  private long timer = -1;
  private boolean running;

  public LedgerVerifyVerticle(AppConfig cfg) {
    this.cfg = cfg;
  }

  /** {@code payments.ledger_verify_interval_ms}: how often the periodic verify runs (0 = never). */
  public static int intervalMs(AppConfig cfg) {
    return ConfigReader.root(cfg.raw()).child("payments").integer("ledger_verify_interval_ms", 60_000, 0, 86_400_000);
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, cfg.db());
    int every = intervalMs(cfg);
    if (every > 0) timer = vertx.setPeriodic(every, id -> tick());
    return vertx.eventBus().<JsonObject>consumer(PaymentsApi.LEDGER_VERIFY, m -> Replies.api(m, this::verify))
        .completion();
  }

  private Future<ApiReply> verify(ApiRequest req) {
    Caller c = Requests.caller(req);
    if (!c.isAdmin()) {
      return LedgerException.fail(ErrorCode.INSUFFICIENT_PERMISSIONS, "Only admins may verify the ledger");
    }
    return Ledger.verify(pool).map(report -> {
      publish(report);
      return ApiReply.ok(report, new JsonObject().put("action", "verified"));
    });
  }

  private void tick() {
    if (running) return;
    running = true;
    pool.withTransaction(tx -> tx.preparedQuery("SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked")
            .execute(Tuple.of(LOCK_KEY))
            .compose(rows -> rows.iterator().next().getBoolean("locked") ? Ledger.verify(tx)
                : Future.<JsonObject>succeededFuture(null)))
        .onComplete(ar -> {
          running = false;
          if (ar.failed()) {
            LOG.atWarn().addKeyValue("error", String.valueOf(ar.cause())).log("ledger.verify failed");
          } else if (ar.result() != null) {
            publish(ar.result());
          }
        });
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
