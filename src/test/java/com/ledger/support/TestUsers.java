package com.ledger.support;

import com.ledger.platform.config.AppConfig.JwtConfig;
import com.ledger.platform.security.TokenVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.UUID;

/**
 * Test users inserted straight into {@code users.users} (ACTIVE, an unusable password hash) with an access token
 * minted with the test secret, so a context is testable without going through registration and login (for that,
 * see {@code users.Identity}).
 */
public final class TestUsers {
  /** Access tokens live an hour: longer than any test. */
  static final int TOKEN_TTL_SECONDS = 3600;

  public record User(UUID id, String email, String role, String token) {}

  private TestUsers() {}

  public static User insert(TestApp app, String role) {
    return insert(app.app.vertx(), app.app.config().jwt(), app.dbUrl, role);
  }

  public static User insert(Vertx vertx, JwtConfig jwt, String dbUrl, String role) {
    String email = role + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    UUID id = UUID.fromString(new Db(dbUrl).string("INSERT INTO users.users (email, full_name, role, status, password_hash)"
        + " VALUES (?, 'Test User', ?, 'ACTIVE', 'x') RETURNING id", email, role));
    return new User(id, email, role, access(vertx, jwt, id.toString(), email, role));
  }

  /** An access token for any user id (it need not exist). */
  public static String access(Vertx vertx, JwtConfig jwt, String userId, String email, String role) {
    return new TokenVerifier(vertx, jwt, Clock.systemUTC()).issue(userId, new JsonObject().put("type", "access")
        .put("sid", UUID.randomUUID().toString()).put("jti", UUID.randomUUID().toString())
        .put("email", email).put("role", role), TOKEN_TTL_SECONDS);
  }
}
