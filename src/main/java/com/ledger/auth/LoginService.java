package com.ledger.auth;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * POST /auth/login (SPEC.md §2.2, §4.3): failed-login throttle → the users context checks the fields and the
 * password (always one Argon2 run) → a new session. Unknown email and wrong password produce the same failure.
 */
final class LoginService {
  /** One instance for both "unknown email" and "wrong password": identical bodies apart from timestamp/instance. */
  static final String BAD_CREDENTIALS = "Invalid email or password";

  private final UsersClient users;
  private final SessionService sessions;
  private final LoginThrottle throttle;
  private final AuditLog audit;

  LoginService(UsersClient users, SessionService sessions, LoginThrottle throttle, AuditLog audit) {
    this.users = users;
    this.sessions = sessions;
    this.throttle = throttle;
    this.audit = audit;
  }

  Future<ApiReply> login(ApiRequest req) {
    JsonObject body = req.body();
    String email = normalisedEmail(body.getValue("email"));
    String key = req.clientIp() + "|" + email;
    LoginThrottle.Verdict v = throttle.tryAcquire(key);
    if (!v.allowed()) {
      return audit.record("login_throttled", null, null, req.correlationId(), req.clientIp(),
              new JsonObject().put("email", email))
          .compose(x -> Future.failedFuture(new LedgerException(RATE_LIMIT_EXCEEDED,
              "Too many failed login attempts; try again later",
              new JsonObject().put("retry_after_ms", v.retryAfterMs()))));
    }
    return users.verifyCredentials(body.getValue("email"), body.getValue("password"), req.correlationId())
        .transform(ar -> {
          if (ar.failed()) {
            throttle.released(key);
            return Future.failedFuture(ar.cause());
          }
          return decide(req, key, email, ar.result());
        });
  }

  private Future<ApiReply> decide(ApiRequest req, String key, String email, JsonObject verdict) {
    String userId = verdict.getString("user_id");
    switch (verdict.getString("outcome", "invalid")) {
      case "ok" -> {
        throttle.succeeded(key);
        JsonObject user = verdict.getJsonObject("user");
        return sessions.start(userId, user.getString("email"), user.getString("role"))
            .compose(pair -> audit.record("login_succeeded", userId, userId, req.correlationId(), req.clientIp(),
                    new JsonObject().put("session_id", pair.sessionId().toString()))
                .map(x -> ApiReply.ok(new JsonObject().put("access_token", pair.access())
                    .put("refresh_token", pair.refresh()).put("user", user))));
      }
      case "inactive" -> {
        throttle.released(key);
        return audit.record("login_refused_inactive", userId, null, req.correlationId(), req.clientIp(),
                new JsonObject())
            .compose(x -> Future.failedFuture(new LedgerException(ACCOUNT_INACTIVE, "The user account is not active")));
      }
      default -> {
        throttle.failed(key);
        return audit.record("login_failed", userId, null, req.correlationId(), req.clientIp(),
                new JsonObject().put("email", email).put("known_user", userId != null))
            .compose(x -> Future.failedFuture(new LedgerException(INVALID_CREDENTIALS, BAD_CREDENTIALS)));
      }
    }
  }

  /** The throttle key's email part: trimmed and lower-cased, "" when not a string. */
  static String normalisedEmail(Object raw) {
    return raw instanceof String s ? s.trim().toLowerCase(Locale.ROOT) : "";
  }
}
