package com.ledger.payments;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.db.Pools;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/** Owns the {@code payments} schema and serves the payments.* and accounts.* addresses. */
public final class PaymentsVerticle extends VerticleBase {
  private final AppConfig cfg;
  private Pool pool;

  public PaymentsVerticle(AppConfig cfg) {
    this.cfg = cfg;
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, cfg.db());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return pool.close();
  }
}
