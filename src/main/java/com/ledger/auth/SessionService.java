package com.ledger.auth;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.security.TokenVerifier;
import com.ledger.users.api.UserStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.Objects;
import java.util.UUID;

/**
 * Sessions = refresh-token families (SPEC.md §4.4): start, rotate with exactly one winner, reuse detection
 * (presenting a rotated token revokes the whole family), logout (the session), logout-all and revocation on
 * password change (every session but one).
 */
final class SessionService {
  static final String REFRESH_REQUIRED = "Refresh token is required and must be a non-empty string";
  /** Internal marker: the rotate UPDATE matched no row (another request rotated or revoked it first). */
  private static final LedgerException LOST = new LedgerException(TOKEN_REVOKED, "Token has been revoked");

  private final Pool pool;
  private final RefreshTokenRepository tokens;
  private final Tokens issuer;
  private final UsersClient users;
  private final AuditLog audit;

  SessionService(Pool pool, RefreshTokenRepository tokens, Tokens issuer, UsersClient users, AuditLog audit) {
    this.pool = pool;
    this.tokens = tokens;
    this.issuer = issuer;
    this.users = users;
    this.audit = audit;
  }

  /** A new session for a user who just logged in: one refresh row (family = sid) and the token pair. */
  Future<Tokens.Pair> start(String userId, String email, String role) {
    Tokens.Pair pair = issuer.issue(userId, email, role, UUID.randomUUID());
    return tokens.insert(pool, pair.refreshJti(), pair.sessionId(), UUID.fromString(userId), pair.refreshExpiresAt())
        .map(pair);
  }

  /**
   * POST /auth/refresh: token rules (§4.2) → user exists (401 invalid_token) and is active (422) → the jti row
   * (404 token_not_found) → revoked? (401 token_revoked; a rotated one revokes the family) → rotate atomically.
   */
  Future<ApiReply> refresh(ApiRequest req) {
    String token = refreshToken(req.body());
    String cid = req.correlationId();
    return issuer.verifier().verify(token, TokenVerifier.REFRESH).compose(claims -> {
      String userId = claims.getString("sub");
      String jti = claims.getString("jti");
      return users.status(userId, cid).compose(st -> {
        if (!st.getBoolean("found", false)) throw new LedgerException(INVALID_TOKEN, "The token's user no longer exists");
        if (!UserStatus.isActive(st)) throw new LedgerException(ACCOUNT_INACTIVE, "The user account is not active");
        return stored(jti, userId).compose(row -> {
          if (row.revoked()) return refused(req, jti, row);
          return rotate(jti, row, userId, st.getString("email"), st.getString("role"))
              .recover(err -> err == LOST ? stored(jti, userId).compose(again -> refused(req, jti, again))
                  : Future.failedFuture(err));
        });
      });
    }).map(pair -> ApiReply.ok(new JsonObject().put("access_token",
        new JsonObject().put("access_token", pair.access()).put("refresh_token", pair.refresh()))));
  }

  /** Revoke the presented token and insert its successor in one transaction; LOST when another request won. */
  private Future<Tokens.Pair> rotate(String jti, RefreshTokenRepository.Stored row, String userId, String email,
      String role) {
    Tokens.Pair pair = issuer.issue(userId, email, role, row.familyId());
    return pool.withTransaction(tx -> tokens.revokeOne(tx, jti, "rotated").compose(won -> {
      if (!won) return Future.failedFuture(LOST);
      return tokens.insert(tx, pair.refreshJti(), row.familyId(), row.userId(), pair.refreshExpiresAt());
    })).map(pair);
  }

  /** POST /auth/logout: token rules → row (404) → revoke it (401 token_revoked if already) → revoke its session. */
  Future<ApiReply> logout(ApiRequest req) {
    String token = refreshToken(req.body());
    return issuer.verifier().verify(token, TokenVerifier.REFRESH).compose(claims -> {
      String userId = claims.getString("sub");
      String jti = claims.getString("jti");
      return stored(jti, userId).compose(row -> {
        if (row.revoked()) return refused(req, jti, row);
        return tokens.revokeOne(pool, jti, "logout").compose(won -> {
          if (!won) return stored(jti, userId).compose(again -> refused(req, jti, again));
          return tokens.revokeFamily(pool, row.familyId(), "logout").map(n -> n + 1);
        }).compose(n -> audit.record("logout", userId, userId, req.correlationId(), req.clientIp(),
            new JsonObject().put("session_id", row.familyId().toString()).put("tokens_revoked", n)));
      });
    }).map(x -> ApiReply.ok(new JsonObject().put("message", "Logged out successfully")));
  }

  /** POST /auth/logout-all: every live refresh token of the caller. Access tokens live until they expire. */
  Future<ApiReply> logoutAll(ApiRequest req) {
    Caller c = caller(req);
    return tokens.revokeUser(pool, UUID.fromString(c.userId()), null, "logout_all")
        .compose(n -> audit.record("logout_all", c.userId(), c.userId(), req.correlationId(), req.clientIp(),
            new JsonObject().put("tokens_revoked", n)))
        .map(x -> ApiReply.ok(new JsonObject().put("message", "Logged out from all devices successfully")));
  }

  /** Internal {@code auth.revoke-sessions}: {@code {user_id, except_sid?, reason}} → {@code {revoked}}. */
  Future<JsonObject> revokeSessions(JsonObject body) {
    UUID user = UUID.fromString(Objects.requireNonNull(body.getString("user_id"), "user_id"));
    String except = body.getString("except_sid");
    UUID exceptFamily = except == null ? null : UUID.fromString(except);
    String reason = body.getString("reason", "password_change");
    return tokens.revokeUser(pool, user, exceptFamily, reason).map(n -> new JsonObject().put("revoked", n));
  }

  Future<Integer> purgeExpired() {
    return tokens.purgeExpired(pool);
  }

  /** The row of a verified token: 404 token_not_found when unknown; a row of another user is not this token. */
  private Future<RefreshTokenRepository.Stored> stored(String jti, String userId) {
    if (jti == null) return LedgerException.fail(TOKEN_NOT_FOUND, "Refresh token not found");
    return tokens.find(pool, jti).map(row -> {
      if (row == null) throw new LedgerException(TOKEN_NOT_FOUND, "Refresh token not found");
      if (!row.userId().toString().equals(userId)) throw new LedgerException(INVALID_TOKEN, "Token subject mismatch");
      return row;
    });
  }

  /**
   * A revoked token was presented. If it had been rotated, this is a replay of a used token (theft, or a
   * concurrent refresh that lost): the whole session is revoked, its newest token included, and audited.
   */
  private <T> Future<T> refused(ApiRequest req, String jti, RefreshTokenRepository.Stored row) {
    LedgerException revoked = new LedgerException(TOKEN_REVOKED, "Token has been revoked");
    if (!row.wasRotated()) return Future.failedFuture(revoked);
    return tokens.revokeFamily(pool, row.familyId(), "reuse_detected")
        .compose(n -> audit.record("refresh_token_reuse_detected", row.userId().toString(), null, req.correlationId(),
            req.clientIp(), new JsonObject().put("session_id", row.familyId().toString()).put("token_id", jti)
                .put("tokens_revoked", n)))
        .compose(x -> Future.failedFuture(revoked));
  }

  /** {@code refresh_token}: a non-empty string, else 400 missing_fields with the field named. */
  static String refreshToken(JsonObject body) {
    Object v = body.getValue("refresh_token");
    if (!(v instanceof String s) || s.isEmpty()) {
      throw new LedgerException(MISSING_FIELDS, REFRESH_REQUIRED,
          new JsonObject().put("field", "refresh_token").put("message", REFRESH_REQUIRED));
    }
    return s;
  }

  static Caller caller(ApiRequest req) {
    return req.caller().orElseThrow(() -> new LedgerException(INVALID_TOKEN, "Authentication required"));
  }
}
