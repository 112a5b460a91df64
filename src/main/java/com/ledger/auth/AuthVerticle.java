package com.ledger.auth;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.security.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/** Owns the {@code auth} schema and serves the auth.* addresses. */
public final class AuthVerticle extends VerticleBase {
  private final AppConfig cfg;
  private final PasswordHasher hasher;
  private Pool pool;

  public AuthVerticle(AppConfig cfg, PasswordHasher hasher) {
    this.cfg = cfg;
    this.hasher = hasher;
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
