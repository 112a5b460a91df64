package com.ledger.banksync;

import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.config.SyncSettings;
import com.ledger.platform.db.AdvisoryLocks;
import com.ledger.platform.db.Pools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic sync (role {@code banksync-worker}): every {@code banksync.schedule_interval_ms}, enqueue a sync for each
 * ACTIVE login whose {@code sync_frequency} has elapsed since its last sync (or creation) and since it was last
 * scheduled. One node at a time (transaction-scoped advisory lock); the jobs' uniqueness window guards the rest.
 */
public final class SyncSchedulerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SyncSchedulerVerticle.class);
  private static final int BATCH = 200;

  private final DbConfig db;
  private final SyncSettings settings;
  private Pool pool;
  private long timer = -1;
  private boolean running;

  public SyncSchedulerVerticle(DbConfig db, SyncSettings settings) {
    this.db = db;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, db);
    if (!settings.periodicSync()) return Future.succeededFuture();
    LoginRepository logins = new LoginRepository();
    SyncJobs jobs = new SyncJobs(vertx, settings);
    timer = vertx.setPeriodic(settings.scheduleIntervalMs(), id -> tick(settings, logins, jobs));
    return Future.succeededFuture();
  }

  private void tick(SyncSettings settings, LoginRepository logins, SyncJobs jobs) {
    if (running) return;
    running = true;
    pool.withTransaction(tx -> AdvisoryLocks.tryTransactionLock(tx, "banksync-periodic-sync")
            .compose(locked -> !locked ? Future.succeededFuture(0)
                : logins.dueForSync(tx, BATCH, settings.failedSyncRetrySeconds()).compose(due -> {
                  Future<Integer> chain = Future.succeededFuture(0);
                  for (BankLogin l : due) {
                    chain = chain.compose(n -> jobs.schedule(tx, l)
                        .compose(t -> logins.markScheduled(tx, l.id()).map(n + (t.duplicate() ? 0 : 1))));
                  }
                  return chain;
                })))
        .onComplete(ar -> {
          running = false;
          if (ar.succeeded() && ar.result() > 0) {
            jobs.wake();
            LOG.atInfo().addKeyValue("enqueued", ar.result()).log("bank.sync.periodic");
          } else if (ar.failed()) {
            LOG.atWarn().addKeyValue("error", ar.cause().toString()).log("bank.sync.periodic failed");
          }
        });
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    return pool.close();
  }
}
