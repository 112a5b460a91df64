package com.ledger.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Hand-made JWTs for the §4.2 tests: any header, any claims, any key. */
final class Jwts {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Jwts() {}

  static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String sign(JsonObject header, JsonObject claims, String secret) {
    String input = b64(header.encode()) + "." + b64(claims.encode());
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hs256(JsonObject claims, String secret) {
    return sign(new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims, secret);
  }

  /** Valid access-token claims for a user (exp in 15 minutes). */
  static JsonObject access(String userId) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", userId).put("iss", "ledger-bank-api").put("aud", "ledger-bank-api")
        .put("iat", now).put("nbf", now).put("exp", now + 900).put("type", "access")
        .put("jti", UUID.randomUUID().toString()).put("sid", UUID.randomUUID().toString())
        .put("email", "x@example.com").put("role", "user");
  }

  /** The claims of a token (no verification). */
  static JsonObject claims(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }
}
