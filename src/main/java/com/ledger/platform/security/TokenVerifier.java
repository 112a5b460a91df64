package com.ledger.platform.security;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.config.AppConfig.JwtConfig;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;

/**
 * Verifies HS256 tokens in SPEC.md §4.2's order. vertx-auth-jwt checks the signature and algorithm (alg none and
 * any other alg are refused); the claims are then checked here, so each failure gets its own reason. Also issues
 * tokens with the configured secret, issuer and audience.
 */
public final class TokenVerifier {
  public static final String ACCESS = "access";
  public static final String REFRESH = "refresh";
  private static final List<String> REQUIRED = List.of("sub", "exp", "iat", "iss", "type");

  private final JWTAuth jwt;
  private final JwtConfig cfg;
  private final Clock clock;

  public TokenVerifier(Vertx vertx, JwtConfig cfg, Clock clock) {
    this.cfg = cfg;
    this.clock = clock;
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(cfg.secret()))
        .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setIgnoreExpiration(true).setLeeway(0)));
  }

  public JwtConfig config() {
    return cfg;
  }

  /** The verified claims of a token of the expected type, or a failed future with the §4.2 reason. */
  public Future<JsonObject> verify(String token, String expectedType) {
    if (token == null || token.isBlank()) return LedgerException.fail(INVALID_TOKEN, "Token is missing");
    return jwt.authenticate(new TokenCredentials(token))
        .recover(err -> LedgerException.fail(INVALID_TOKEN, "Token is malformed or its signature is invalid"))
        .compose(user -> checkClaims(decodePayload(token), expectedType));
  }

  /** The §4.2 claim rules alone (the signature already verified). */
  public Future<JsonObject> checkClaims(JsonObject claims, String expectedType) {
    if (claims == null) return LedgerException.fail(INVALID_TOKEN, "Token payload is not JSON");
    for (String c : REQUIRED) {
      if (claims.getValue(c) == null) return fail(MISSING_REQUIRED_CLAIMS, "Token is missing the claim " + c);
    }
    if (!expectedType.equals(claims.getValue("type"))) {
      return fail(INVALID_TOKEN_TYPE, "Expected a token of type " + expectedType);
    }
    long now = clock.instant().getEpochSecond();
    Long exp = asLong(claims.getValue("exp"));
    if (exp == null) return fail(MISSING_REQUIRED_CLAIMS, "Token claim exp is not a number");
    if (exp <= now) return fail(TOKEN_EXPIRED, "Token has expired");
    Long nbf = asLong(claims.getValue("nbf"));
    if (nbf != null && nbf > now) return fail(TOKEN_NOT_YET_VALID, "Token is not valid yet");
    if (!cfg.issuer().equals(claims.getValue("iss"))) return fail(INVALID_ISSUER, "Token issuer is not accepted");
    if (!audienceMatches(claims.getValue("aud"))) return fail(INVALID_AUDIENCE, "Token audience is not accepted");
    return Future.succeededFuture(claims);
  }

  /** Issue a token with the standard claims; {@code extra} holds type, sid, jti, role, email. */
  public String issue(String subject, JsonObject extra, int ttlSeconds) {
    long now = clock.instant().getEpochSecond();
    JsonObject claims = extra.copy().put("iat", now).put("nbf", now).put("exp", now + ttlSeconds);
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setSubject(subject)
        .setIssuer(cfg.issuer()).setAudience(List.of(cfg.audience())).setNoTimestamp(true));
  }

  private boolean audienceMatches(Object aud) {
    if (aud instanceof String s) return cfg.audience().equals(s);
    if (aud instanceof JsonArray a) return a.contains(cfg.audience());
    return false;
  }

  private static Long asLong(Object v) {
    return v instanceof Number n ? n.longValue() : null;
  }

  private static Future<JsonObject> fail(ErrorCode code, String detail) {
    return LedgerException.fail(code, detail);
  }

  static JsonObject decodePayload(String token) {
    String[] parts = token.split("\\.");
    if (parts.length < 2) return null;
    try {
      return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException e) {
      return null;
    }
  }
}
