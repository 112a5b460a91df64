package com.ledger.banksync;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.observability.NodeState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/** Owns the {@code banksync} schema and serves the banksync.* and webhooks.* addresses. */
public final class BankSyncVerticle extends VerticleBase {
  private final AppConfig cfg;
  private final NodeState node;
  private Pool pool;

  public BankSyncVerticle(AppConfig cfg, NodeState node) {
    this.cfg = cfg;
    this.node = node;
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
