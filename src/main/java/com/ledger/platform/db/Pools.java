package com.ledger.platform.db;

import com.ledger.platform.config.AppConfig.DbConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** One shared PostgreSQL pool per node: verticles that ask for it get the same connections. */
public final class Pools {
  private Pools() {}

  public static PgConnectOptions connectOptions(DbConfig cfg) {
    PgConnectOptions o = PgConnectOptions.fromUri(cfg.url());
    o.setCachePreparedStatements(true);
    return o;
  }

  /** A pool shared by every verticle of this Vert.x instance; closed when the last verticle using it stops. */
  public static Pool shared(Vertx vertx, DbConfig cfg) {
    PoolOptions po = new PoolOptions().setMaxSize(cfg.poolSize()).setShared(true).setName("ledger-pool")
        .setMaxWaitQueueSize(10_000);
    return PgBuilder.pool().with(po).with(new io.vertx.core.net.NetClientOptions().setConnectTimeout(cfg.connectTimeoutMs()))
        .connectingTo(connectOptions(cfg)).using(vertx).build();
  }

  public static String jdbcUrl(PgConnectOptions o) {
    return "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }
}
