package com.ledger.users;

import com.ledger.platform.bus.Replies;
import com.ledger.platform.config.AppConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.security.PasswordHasher;
import com.ledger.users.api.UsersApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** Owns the {@code users} schema and serves the users.* and profile.* addresses. */
public final class UserVerticle extends VerticleBase {
  private final AppConfig cfg;
  private final PasswordHasher hasher;
  private Pool pool;

  public UserVerticle(AppConfig cfg, PasswordHasher hasher) {
    this.cfg = cfg;
    this.hasher = hasher;
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, cfg.db());
    return vertx.eventBus().<JsonObject>consumer(UsersApi.STATUS, this::onStatus).completion();
  }

  private void onStatus(Message<JsonObject> m) {
    Replies.of(m, status(m.body().getString("user_id")), v -> v);
  }

  Future<JsonObject> status(String userId) {
    UUID id;
    try {
      id = UUID.fromString(userId);
    } catch (RuntimeException e) {
      return Future.succeededFuture(new JsonObject().put("found", false));
    }
    return pool.preparedQuery("SELECT status, active, suspended, deleted, role, email FROM users.users WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> {
          if (rows.size() == 0) return new JsonObject().put("found", false);
          Row r = rows.iterator().next();
          return new JsonObject().put("found", true).put("status", r.getString("status"))
              .put("active", r.getBoolean("active")).put("suspended", r.getBoolean("suspended"))
              .put("deleted", r.getBoolean("deleted")).put("role", r.getString("role")).put("email", r.getString("email"));
        });
  }

  @Override
  public Future<?> stop() {
    return pool.close();
  }
}
