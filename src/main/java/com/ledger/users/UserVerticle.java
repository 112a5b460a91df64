package com.ledger.users;

import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Consumers;
import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.config.AuthConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.security.PasswordHasher;
import com.ledger.users.api.UsersApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Owns the {@code users} schema and serves the users.* and profile.* addresses (wiring only). */
public final class UserVerticle extends VerticleBase {
  private final DbConfig db;
  private final AuthConfig auth;
  private final long requestTimeoutMs;
  private final PasswordHasher hasher;
  private Pool pool;
  private Hashing hashing;

  /**
   * @param auth             the password rules and the size of the node's shared Argon2 worker pool
   * @param requestTimeoutMs how long a request to another context may take (the HTTP request timeout)
   */
  public UserVerticle(DbConfig db, AuthConfig auth, long requestTimeoutMs, PasswordHasher hasher) {
    this.db = db;
    this.auth = auth;
    this.requestTimeoutMs = requestTimeoutMs;
    this.hasher = hasher;
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, db);
    hashing = new Hashing(hasher, vertx.createSharedWorkerExecutor("pwd-hash", auth.hashThreads()));
    UserInput.PasswordRules rules = new UserInput.PasswordRules(auth.userPasswordMinLength(),
        auth.adminPasswordMinLength(), auth.supportPasswordMinLength());
    UserRepository repo = new UserRepository();
    UserEvents events = new UserEvents(vertx, requestTimeoutMs);
    CredentialService credentials = new CredentialService(pool, repo, hashing);
    UserAdminService users = new UserAdminService(pool, repo, hashing, events, rules);
    ProfileService profile = new ProfileService(pool, repo, hashing, events, users, rules);

    List<Future<?>> regs = new ArrayList<>();
    regs.add(api(UsersApi.REGISTER, users::register));
    regs.add(api(UsersApi.CREATE, users::create));
    regs.add(api(UsersApi.LIST, users::list));
    regs.add(api(UsersApi.KEYSET, users::keyset));
    regs.add(api(UsersApi.STATS, users::stats));
    regs.add(api(UsersApi.GET, users::get));
    regs.add(api(UsersApi.UPDATE, users::update));
    regs.add(api(UsersApi.DELETE, users::delete));
    regs.add(api(UsersApi.PROFILE_GET, profile::get));
    regs.add(api(UsersApi.PROFILE_UPDATE, profile::update));
    regs.add(api(UsersApi.PROFILE_CHANGE_PASSWORD, profile::changePassword));
    regs.add(internal(UsersApi.VERIFY_CREDENTIALS, credentials::verify));
    regs.add(internal(UsersApi.FIND, b -> credentials.find(b.getString("user_id"))));
    regs.add(internal(UsersApi.STATUS, b -> credentials.status(b.getString("user_id"))));
    return Future.all(regs);
  }

  private Future<Void> api(String address, Function<ApiRequest, Future<ApiReply>> handler) {
    return Consumers.api(vertx, address, handler);
  }

  private Future<Void> internal(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return Consumers.internal(vertx, address, handler);
  }

  @Override
  public Future<?> stop() {
    return Future.all(hashing == null ? Future.succeededFuture() : hashing.close(), pool.close());
  }
}
