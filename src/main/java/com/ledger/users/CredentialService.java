package com.ledger.users;

import com.ledger.users.api.UserStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users context's internal answers to the auth context and the HTTP edge: credential verification (the hash
 * never leaves this class's context), user lookup by id and the status check.
 */
final class CredentialService {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialService.class);
  private final Pool pool;
  private final UserRepository repo;
  private final Hashing hashing;

  CredentialService(Pool pool, UserRepository repo, Hashing hashing) {
    this.pool = pool;
    this.repo = repo;
    this.hashing = hashing;
  }

  /**
   * SPEC.md §4.3: field rules (400 / 401), then exactly one Argon2 verification whatever the email, then the
   * verdict {@code ok | invalid | inactive}. A hash made with weaker parameters is replaced after a good login.
   */
  Future<JsonObject> verify(JsonObject body) {
    String[] fields = UserInput.login(body);
    String email = fields[0];
    String password = fields[1];
    return repo.credentials(pool, email).compose(c -> {
      if (c == null) return hashing.verifyDummy(password).map(x -> verdict("invalid", null));
      String userId = c.user().getString("id");
      return hashing.verify(password, c.hash()).compose(ok -> {
        if (!ok) return Future.succeededFuture(verdict("invalid", userId));
        if (!UserStatus.isActive(c.user())) return Future.succeededFuture(verdict("inactive", userId));
        return rehashIfWeak(UUID.fromString(userId), password, c.hash())
            .map(x -> verdict("ok", userId).put("user", c.user()));
      });
    });
  }

  private Future<Void> rehashIfWeak(UUID id, String password, String oldHash) {
    if (!hashing.needsRehash(oldHash)) return Future.succeededFuture();
    return hashing.hash(password).compose(h -> repo.rehash(pool, id, oldHash, h))
        .onSuccess(done -> LOG.atInfo().addKeyValue("userId", id).addKeyValue("replaced", done)
            .log("password hash upgraded to the current parameters"))
        .<Void>mapEmpty()
        .recover(err -> {
          LOG.atWarn().addKeyValue("userId", id).addKeyValue("error", err.getMessage()).log("rehash failed");
          return Future.succeededFuture();
        });
  }

  /** {@code {found, user?}}. */
  Future<JsonObject> find(String userId) {
    UUID id = uuidOrNull(userId);
    if (id == null) return Future.succeededFuture(new JsonObject().put("found", false));
    return repo.findById(pool, id).map(u -> u == null ? new JsonObject().put("found", false)
        : new JsonObject().put("found", true).put("user", u));
  }

  /** {@code {found, status, active, suspended, deleted, role, email}}. */
  Future<JsonObject> status(String userId) {
    UUID id = uuidOrNull(userId);
    if (id == null) return Future.succeededFuture(new JsonObject().put("found", false));
    return repo.status(pool, id);
  }

  private static JsonObject verdict(String outcome, String userId) {
    return new JsonObject().put("outcome", outcome).put("user_id", userId);
  }

  static UUID uuidOrNull(String s) {
    try {
      return s == null ? null : UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
