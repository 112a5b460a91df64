package com.ledger.http;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.security.TokenVerifier;
import com.ledger.platform.security.UserStatusCache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.util.List;

/**
 * The contract's {@code bearerAuth} scheme, in SPEC.md §1.5's order: header shape → token (§4.2) → the user
 * exists and is active (cached per node) → the operation's {@code x-roles}. Runs before request validation, so an
 * unauthenticated caller learns nothing about the body rules. The role used is the user's current one, not the
 * token's. The verified claims (never the raw token) are left in the context for the bus message.
 */
public final class BearerAuth implements JWTAuthHandler {
  public static final String PRINCIPAL_KEY = "ledger.principal";

  private final TokenVerifier verifier;
  private final UserStatusCache statuses;
  private final OpenAPIContract contract;

  public BearerAuth(TokenVerifier verifier, UserStatusCache statuses, OpenAPIContract contract) {
    this.verifier = verifier;
    this.statuses = statuses;
    this.contract = contract;
  }

  @Override
  public void handle(RoutingContext rc) {
    String header = rc.request().getHeader("Authorization");
    if (header == null || !header.startsWith("Bearer ") || header.length() == 7 || header.substring(7).isBlank()) {
      rc.fail(new LedgerException(INVALID_TOKEN, "Authorization must be 'Bearer <token>'"));
      return;
    }
    String cid = Correlation.id(rc);
    verifier.verify(header.substring(7).trim(), TokenVerifier.ACCESS)
        .compose(claims -> statuses.get(claims.getString("sub"), cid).compose(status -> admit(rc, claims, status)))
        .onSuccess(principal -> {
          rc.put(PRINCIPAL_KEY, principal);
          rc.next();
        })
        .onFailure(rc::fail);
  }

  private Future<JsonObject> admit(RoutingContext rc, JsonObject claims, JsonObject status) {
    if (!status.getBoolean("found", false)) return LedgerException.fail(INVALID_TOKEN, "The token's user no longer exists");
    if (!UserStatusCache.isActive(status)) return LedgerException.fail(ACCOUNT_INACTIVE, "The user account is not active");
    String role = status.getString("role");
    List<String> allowed = requiredRoles(rc);
    if (!allowed.isEmpty() && !allowed.contains(role)) {
      return LedgerException.fail(INSUFFICIENT_PERMISSIONS, "This operation requires role " + String.join(" or ", allowed));
    }
    JsonObject principal = new JsonObject()
        .put("sub", claims.getString("sub"))
        .put("role", role)
        .put("email", status.getString("email", claims.getString("email")))
        .put("sid", claims.getString("sid"))
        .put("jti", claims.getString("jti"))
        .put("exp", claims.getLong("exp"));
    return Future.succeededFuture(principal);
  }

  private List<String> requiredRoles(RoutingContext rc) {
    Operation op = contract.findOperation(rc.request().path(), rc.request().method());
    if (op == null) return List.of();
    Object roles = op.getExtensions().get("x-roles");
    if (roles instanceof JsonArray arr) return arr.stream().map(String::valueOf).toList();
    if (roles instanceof List<?> l) return l.stream().map(String::valueOf).toList();
    return List.of();
  }

  @Override
  public JWTAuthHandler scopeDelimiter(String delimiter) {
    return this;
  }

  @Override
  public JWTAuthHandler withScope(String scope) {
    return this;
  }

  @Override
  public JWTAuthHandler withScopes(List<String> scopes) {
    return this;
  }
}
