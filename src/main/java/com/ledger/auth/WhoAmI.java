package com.ledger.auth;

import static com.ledger.platform.errors.ErrorCode.INVALID_TOKEN;

import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** GET /auth/me and GET /auth/validate: the caller as the edge verified it. */
final class WhoAmI {
  private final UsersClient users;

  WhoAmI(UsersClient users) {
    this.users = users;
  }

  Future<ApiReply> me(ApiRequest req) {
    Caller c = SessionService.caller(req);
    return users.find(c.userId(), req.correlationId()).map(r -> {
      if (!r.getBoolean("found", false)) throw new LedgerException(INVALID_TOKEN, "The token's user no longer exists");
      return ApiReply.ok(r.getJsonObject("user"));
    });
  }

  Future<ApiReply> validate(ApiRequest req) {
    Caller c = SessionService.caller(req);
    return Future.succeededFuture(ApiReply.ok(new JsonObject().put("valid", true).put("user_id", c.userId())
        .put("role", c.role()).put("expires_at", c.expiresAt() == null ? null : c.expiresAt().toString())));
  }
}
