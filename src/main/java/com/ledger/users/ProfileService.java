package com.ledger.users;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.UUID;

/** The caller's own profile (SPEC.md §2.4). */
final class ProfileService {
  private final Pool pool;
  private final UserRepository repo;
  private final Hashing hashing;
  private final UserEvents events;
  private final UserAdminService users;
  private final UserInput.PasswordRules rules;

  ProfileService(Pool pool, UserRepository repo, Hashing hashing, UserEvents events, UserAdminService users,
      UserInput.PasswordRules rules) {
    this.pool = pool;
    this.repo = repo;
    this.hashing = hashing;
    this.events = events;
    this.users = users;
    this.rules = rules;
  }

  Future<ApiReply> get(ApiRequest req) {
    return repo.findById(pool, self(req)).map(u -> {
      if (u == null) throw new LedgerException(INVALID_TOKEN, "The token's user no longer exists");
      return ApiReply.ok(u);
    });
  }

  /** Same body rules as PUT /users/{id}; the §5.3 policy refuses role/status for non-admins. */
  Future<ApiReply> update(ApiRequest req) {
    return users.update(req, self(req));
  }

  /**
   * SPEC.md §2.4 order: field rules → current password verifies (401) → the user's other sessions are revoked (by
   * the auth context; if that fails nothing changes) → new hash stored → audit. The caller's session survives.
   */
  Future<ApiReply> changePassword(ApiRequest req) {
    Caller caller = req.caller().orElseThrow(() -> new LedgerException(INVALID_TOKEN, "Authentication required"));
    UUID id = self(req);
    if (!UserPolicy.canChangePassword(UserAdminService.actor(req), id.toString())) {
      throw LedgerException.of(INSUFFICIENT_PERMISSIONS);
    }
    UserInput.PasswordChange change = UserInput.passwordChange(req.body(), rules.minFor(caller.role()));
    return repo.hash(pool, id)
        .compose(stored -> {
          if (stored == null) throw new LedgerException(INVALID_TOKEN, "The token's user no longer exists");
          return hashing.verify(change.current(), stored);
        })
        .compose(ok -> {
          if (!ok) {
            throw new LedgerException(INVALID_CREDENTIALS, "The current password is incorrect",
                new JsonObject().put("field", "current_password"));
          }
          return hashing.hash(change.next());
        })
        .compose(hash -> events.revokeSessions(req, id.toString(), caller.sessionId(), "password_change")
            .compose(revoked -> repo.setHash(pool, id, hash).map(revoked))
            .onSuccess(revoked -> events.statusChanged(id.toString())))  // updated_at changed
        .compose(revoked -> events.audit(req, "password_changed", id.toString(),
            new JsonObject().put("sessions_revoked", revoked).put("kept_session", caller.sessionId())))
        .map(x -> ApiReply.ok(new JsonObject().put("message", "Password updated successfully")));
  }

  private static UUID self(ApiRequest req) {
    Caller c = req.caller().orElseThrow(() -> new LedgerException(INVALID_TOKEN, "Authentication required"));
    UUID id = CredentialService.uuidOrNull(c.userId());
    if (id == null) throw new LedgerException(INVALID_TOKEN, "The token subject is not a user id");
    return id;
  }
}
