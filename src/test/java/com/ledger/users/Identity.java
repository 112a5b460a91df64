package com.ledger.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.Db;
import com.ledger.support.TestApp;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/** Test fixtures of the identity contexts: users made over HTTP, sessions, and direct SQL for setup/assertions. */
public final class Identity {
  public static final String PASSWORD = "password123!";
  public static final String ADMIN_PASSWORD = "admin-password-123!";

  public record Session(String userId, String email, String password, String access, String refresh, JsonObject user) {}

  private final TestApp app;

  public Identity(TestApp app) {
    this.app = app;
  }

  public Api api() {
    return app.api;
  }

  public static String email(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  public static JsonObject registration(String email, String password) {
    return new JsonObject().put("email", email).put("full_name", "Test User").put("password", password)
        .put("password_confirmation", password);
  }

  /** Register a user (role user) and return the user object. */
  public JsonObject register(String email, String password) {
    Api.Resp r = app.api.post("/api/users", registration(email, password), null);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.data();
  }

  public Session login(String email, String password) {
    Api.Resp r = app.api.post("/api/auth/login", new JsonObject().put("email", email).put("password", password), null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject d = r.data();
    return new Session(d.getJsonObject("user").getString("id"), email, password, d.getString("access_token"),
        d.getString("refresh_token"), d.getJsonObject("user"));
  }

  public Session newUser() {
    String email = email("user");
    register(email, PASSWORD);
    return login(email, PASSWORD);
  }

  /** A user promoted by SQL before it ever authenticates (so no edge cache holds its old role). */
  public Session newUserWithRole(String role) {
    String email = email(role);
    String password = "user".equals(role) ? PASSWORD : ADMIN_PASSWORD;
    JsonObject u = register(email, password);
    sql("UPDATE users.users SET role = ? WHERE id = ?::uuid", role, u.getString("id"));
    return login(email, password);
  }

  public Session newAdmin() {
    return newUserWithRole("admin");
  }

  public int sql(String statement, Object... params) {
    return new Db(app.dbUrl).exec(statement, params);
  }

  /** The first column of every row. */
  public List<String> column(String query, Object... params) {
    return new Db(app.dbUrl).strings(query, params);
  }

  public long count(String query, Object... params) {
    return Long.parseLong(column(query, params).get(0));
  }
}
