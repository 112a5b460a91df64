package com.ledger.auth;

import com.ledger.auth.api.AuthApi;
import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Consumers;
import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.config.AppConfig.JwtConfig;
import com.ledger.platform.config.AuthConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.security.TokenVerifier;
import com.ledger.platform.security.UserCache;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the {@code auth} schema and serves the auth.* addresses (wiring only). Passwords are checked by the users
 * context ({@code users.verify-credentials}), so no password hash ever crosses into this context.
 */
public final class AuthVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AuthVerticle.class);
  private static final long DAY_MS = 86_400_000L;
  private final DbConfig db;
  private final JwtConfig jwt;
  private final AuthConfig auth;
  private final long requestTimeoutMs;
  private Pool pool;

  /**
   * @param auth             the login throttle and the user-status cache
   * @param requestTimeoutMs how long a request to another context may take (the HTTP request timeout)
   */
  public AuthVerticle(DbConfig db, JwtConfig jwt, AuthConfig auth, long requestTimeoutMs) {
    this.db = db;
    this.jwt = jwt;
    this.auth = auth;
    this.requestTimeoutMs = requestTimeoutMs;
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, db);
    LoginThrottle throttle = new LoginThrottle(auth.loginMaxFailures(), auth.loginWindowSeconds() * 1000L,
        System::currentTimeMillis);
    Clock clock = Clock.systemUTC();
    Tokens tokens = new Tokens(new TokenVerifier(vertx, jwt, clock), clock);
    UsersClient users = new UsersClient(vertx, requestTimeoutMs);
    AuditLog audit = new AuditLog(pool, new AuditRepository());
    SessionService sessions = new SessionService(pool, new RefreshTokenRepository(), tokens, users, audit);
    LoginService login = new LoginService(users, sessions, throttle, audit);
    UserCache cache = UserCache.of(vertx, auth.statusCacheMs(), requestTimeoutMs);
    WhoAmI whoAmI = new WhoAmI(cache);

    vertx.setPeriodic(60_000, id -> throttle.evictIdle());
    vertx.setPeriodic(DAY_MS, id -> sessions.purgeExpired()
        .onSuccess(n -> LOG.atInfo().addKeyValue("purged", n).log("expired refresh tokens purged")));

    return Future.all(List.of(
        api(AuthApi.LOGIN, login::login),
        api(AuthApi.REFRESH, sessions::refresh),
        api(AuthApi.LOGOUT, sessions::logout),
        api(AuthApi.LOGOUT_ALL, sessions::logoutAll),
        cache.listen(vertx),
        Consumers.lane(vertx, AuthApi.ME, whoAmI::me),
        Consumers.lane(vertx, AuthApi.VALIDATE, whoAmI::validate),
        internal(AuthApi.REVOKE_SESSIONS, sessions::revokeSessions),
        internal(AuthApi.AUDIT, m -> audit.record(m).map(new JsonObject()))));
  }

  private Future<Void> api(String address, Function<ApiRequest, Future<ApiReply>> handler) {
    return Consumers.api(vertx, address, handler);
  }

  private Future<Void> internal(String address, Function<JsonObject, Future<JsonObject>> handler) {
    return Consumers.internal(vertx, address, handler);
  }

  @Override
  public Future<?> stop() {
    return pool.close();
  }
}
