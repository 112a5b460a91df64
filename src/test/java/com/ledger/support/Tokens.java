package com.ledger.support;

import com.ledger.platform.config.AppConfig.JwtConfig;
import com.ledger.platform.security.TokenVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.time.Clock;
import java.util.UUID;

/** Test fixtures: users inserted straight into the database and access tokens minted with the test secret. */
public final class Tokens {
  private Tokens() {}

  public record TestUser(String id, String email, String role, String token) {}

  /** Insert an ACTIVE user with the given role and mint a 15-minute access token for it. */
  public static TestUser user(TestApp app, String role) {
    String email = role + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    String id;
    try (var c = TestDatabase.jdbc(app.dbUrl);
         var ps = c.prepareStatement("INSERT INTO users.users (email, full_name, role, password_hash) "
             + "VALUES (?, 'Test User', ?, 'x') RETURNING id")) {
      ps.setString(1, email);
      ps.setString(2, role);
      try (var rs = ps.executeQuery()) {
        rs.next();
        id = rs.getString(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return new TestUser(id, email, role, access(app.app.vertx(), app.app.config().jwt(), id, email, role));
  }

  public static String access(Vertx vertx, JwtConfig jwt, String userId, String email, String role) {
    return new TokenVerifier(vertx, jwt, Clock.systemUTC()).issue(userId, new JsonObject().put("type", "access")
        .put("sid", UUID.randomUUID().toString()).put("jti", UUID.randomUUID().toString())
        .put("email", email).put("role", role), 900);
  }
}
