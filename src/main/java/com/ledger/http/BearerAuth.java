package com.ledger.http;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.security.TokenVerifier;
import com.ledger.platform.security.UserCache;
import com.ledger.users.api.UserStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The contract's {@code bearerAuth} scheme, in SPEC.md §1.5's order: header shape → token (§4.2) → the user
 * exists and is active (the node's {@link UserCache}) → the operation's {@code x-roles}. Runs before request validation, so an
 * unauthenticated caller learns nothing about the body rules. The role used is the user's current one, not the
 * token's. The verified claims (never the raw token) are left in the context for the bus message.
 *
 * <p>One instance per HTTP verticle (event loop). A token whose signature verified is remembered with its claims
 * (PITFALLS.md §12: the signature check is the largest per-request cost once the hops are gone); every request still
 * checks the claims' time window and the user's current status and role.
 */
public final class BearerAuth implements JWTAuthHandler {
  public static final String PRINCIPAL_KEY = "ledger.principal";
  /**
   * Distinct tokens remembered per event loop; when it is reached the expired ones are dropped, and if that frees
   * nothing the memory starts over (a bound, not an LRU).
   */
  static final int MAX_VERIFIED = 10_000;

  private final int maxVerified;
  private final TokenVerifier verifier;
  private final UserCache users;
  private final OpenAPIContract contract;
  private final Map<String, Known> verified = new HashMap<>();
  private final Map<String, List<String>> rolesByOperation = new HashMap<>();

  public BearerAuth(TokenVerifier verifier, UserCache users, OpenAPIContract contract) {
    this(verifier, users, contract, MAX_VERIFIED);
  }

  BearerAuth(TokenVerifier verifier, UserCache users, OpenAPIContract contract, int maxVerified) {
    this.maxVerified = maxVerified;
    this.verifier = verifier;
    this.users = users;
    this.contract = contract;
    contract.getPaths().forEach(p -> p.getOperations().forEach(op -> rolesByOperation.put(op.getOperationId(), roles(op))));
  }

  @Override
  public void handle(RoutingContext rc) {
    String header = rc.request().getHeader("Authorization");
    // a header seen before is looked up as sent: no copy of the token per request
    Known remembered = header == null ? null : verified.get(header);
    if (remembered == null && (header == null || !header.startsWith("Bearer ") || blankFrom(header, 7))) {
      rc.fail(new LedgerException(INVALID_TOKEN, "Authorization must be 'Bearer <token>'"));
      return;
    }
    String cid = Correlation.id(rc);
    Future<Known> known = remembered != null ? recheck(header, remembered) : verify(header);
    if (known.isComplete()) {  // a remembered token and a cached user: no composition, no allocation of futures
      if (known.failed()) {
        rc.fail(known.cause());
        return;
      }
      Known k = known.result();
      Future<JsonObject> found = users.find(k.claims().getString("sub"), cid);
      if (found.isComplete()) {
        if (found.failed()) rc.fail(found.cause());
        else admitNow(rc, k, found.result());
        return;
      }
    }
    known.compose(k -> users.find(k.claims().getString("sub"), cid).map(found -> admit(rc, k, found)))
        .onSuccess(principal -> {
          rc.put(PRINCIPAL_KEY, principal);
          rc.next();
        })
        .onFailure(rc::fail);
  }

  /** {@code s.substring(from).isBlank()} without the copy. */
  private static boolean blankFrom(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (!Character.isWhitespace(s.charAt(i))) return false;
    }
    return true;
  }

  private void admitNow(RoutingContext rc, Known k, JsonObject found) {
    JsonObject principal;
    try {
      principal = admit(rc, k, found);
    } catch (LedgerException e) {
      rc.fail(e);
      return;
    }
    rc.put(PRINCIPAL_KEY, principal);
    rc.next();
  }

  /**
   * The token's claims: the signature is verified once per token, the claims (expiry, type, …) on every request. A
   * token whose claims no longer pass (it expired) is forgotten; one that fails verification is never remembered.
   * Tokens are remembered by the {@code Authorization} header that carried them.
   */
  private Future<Known> recheck(String header, Known known) {
    Future<JsonObject> checked = verifier.checkClaims(known.claims(), TokenVerifier.ACCESS);
    if (checked.failed()) {
      verified.remove(header);
      return checked.mapEmpty();
    }
    return Future.succeededFuture(known);
  }

  private Future<Known> verify(String header) {
    return verifier.verify(header.substring(7).trim(), TokenVerifier.ACCESS).map(claims -> {
      if (verified.size() >= maxVerified) {
        verified.values().removeIf(k -> verifier.checkClaims(k.claims(), TokenVerifier.ACCESS).failed());
        if (verified.size() >= maxVerified) verified.clear();
      }
      Known k = new Known(claims);
      verified.put(header, k);
      return k;
    });
  }

  /**
   * The principal of an admitted caller, or a {@link LedgerException}: the user (as the node's cache has it now) exists,
   * is active and holds a role the operation allows. The principal is rebuilt only when the cached user changed.
   */
  private JsonObject admit(RoutingContext rc, Known k, JsonObject found) {
    JsonObject user = UserCache.user(found);
    if (user == null) throw new LedgerException(INVALID_TOKEN, "The token's user no longer exists");
    if (!UserStatus.isActive(user)) throw new LedgerException(ACCOUNT_INACTIVE, "The user account is not active");
    String role = user.getString("role");
    List<String> allowed = requiredRoles(rc);
    if (!allowed.isEmpty() && !allowed.contains(role)) {
      throw new LedgerException(INSUFFICIENT_PERMISSIONS, "This operation requires role " + String.join(" or ", allowed));
    }
    Admitted last = k.admitted;
    if (last != null && last.found() == found) return last.principal();
    JsonObject claims = k.claims();
    JsonObject principal = new JsonObject()
        .put("sub", claims.getString("sub"))
        .put("role", role)
        .put("email", user.getString("email", claims.getString("email")))
        .put("sid", claims.getString("sid"))
        .put("jti", claims.getString("jti"))
        .put("exp", claims.getLong("exp"));
    k.admitted = new Admitted(found, principal);
    return principal;
  }

  /** A token whose signature verified: its claims, and the principal last built from them with the cached user. */
  private static final class Known {
    private final JsonObject claims;
    private Admitted admitted;  // this event loop only

    Known(JsonObject claims) {
      this.claims = claims;
    }

    JsonObject claims() {
      return claims;
    }
  }

  /** The principal built for {@code found} (the user cache's answer, compared by identity: cached answers are shared). */
  private record Admitted(JsonObject found, JsonObject principal) {}

  /** How many tokens this instance remembers (tests). */
  int remembered() {
    return verified.size();
  }

  private List<String> requiredRoles(RoutingContext rc) {
    Route route = rc.currentRoute();
    Object meta = route == null ? null : route.getMetadata("openApiOperation");
    Operation op = meta instanceof Operation o ? o : contract.findOperation(rc.request().path(), rc.request().method());
    return op == null ? List.of() : rolesByOperation.getOrDefault(op.getOperationId(), List.of());
  }

  private static List<String> roles(Operation op) {
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
