package com.ledger.auth;

import static com.ledger.platform.errors.ErrorCode.INVALID_TOKEN;

import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.security.UserCache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * GET /auth/me and GET /auth/validate: the caller as the edge verified it. Stateless and thread-safe, so the HTTP
 * event loops serve them on their own lanes ({@code Consumers.lane}). The user comes from the node's {@link UserCache}
 * (evicted cluster-wide on every change of the user), so a hit needs no bus hop and no query.
 */
final class WhoAmI {
  private final UserCache users;

  WhoAmI(UserCache users) {
    this.users = users;
  }

  Future<ApiReply> me(ApiRequest req) {
    Caller c = SessionService.caller(req);
    return users.find(c.userId(), req.correlationId()).map(found -> {
      JsonObject user = UserCache.user(found);
      if (user == null) throw new LedgerException(INVALID_TOKEN, "The token's user no longer exists");
      return ApiReply.ok(user);
    });
  }

  Future<ApiReply> validate(ApiRequest req) {
    Caller c = SessionService.caller(req);
    return Future.succeededFuture(ApiReply.ok(new JsonObject().put("valid", true).put("user_id", c.userId())
        .put("role", c.role()).put("expires_at", c.expiresAt() == null ? null : c.expiresAt().toString())));
  }
}
