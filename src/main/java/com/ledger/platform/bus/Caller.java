package com.ledger.platform.bus;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The verified claims of an access token, as carried on the bus. */
public record Caller(String userId, String role, String email, String sessionId, Instant expiresAt) {

  public boolean isAdmin() {
    return "admin".equals(role);
  }

  public boolean isSupport() {
    return "support".equals(role);
  }

  public static Caller fromClaims(JsonObject c) {
    Long exp = c.getLong("exp");
    return new Caller(c.getString("sub"), c.getString("role"), c.getString("email"), c.getString("sid"),
        exp == null ? null : Instant.ofEpochSecond(exp));
  }
}
