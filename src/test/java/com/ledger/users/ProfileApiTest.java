package com.ledger.users;

import static com.ledger.users.UsersApiTest.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.TestApp;
import com.ledger.users.Identity.Session;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End-to-end over HTTP: the caller's own profile and password (SPEC.md §2.4). */
class ProfileApiTest {
  static TestApp app;
  static Identity id;
  static Api api;

  @BeforeAll
  static void start() {
    app = TestApp.start();
    id = new Identity(app);
    api = app.api;
  }

  @AfterAll
  static void stop() {
    app.verifyLedgerAndClose();
  }

  static JsonObject change(Object current, Object next, Object confirmation) {
    return new JsonObject().put("current_password", current).put("new_password", next)
        .put("password_confirmation", confirmation);
  }

  @Test
  void get_profile_is_the_caller() {
    Session s = id.newUser();
    Api.Resp r = api.get("/api/profile", s.access());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.data()).isEqualTo(s.user());
    expect(api.get("/api/profile", null), 401, "invalid_token", null);
  }

  @Test
  void update_own_name_and_email() {
    Session s = id.newUser();
    String email = Identity.email("Self").toUpperCase();
    Api.Resp r = api.put("/api/profile", new JsonObject().put("full_name", "  New Name ").put("email", email),
        s.access());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.data().getString("full_name")).isEqualTo("New Name");
    assertThat(r.data().getString("email")).isEqualTo(email.toLowerCase());
    assertThat(r.data().getString("id")).isEqualTo(s.userId());
    assertThat(api.get("/api/auth/me", s.access()).data().getString("email")).isEqualTo(email.toLowerCase());
    id.login(email, s.password());
  }

  @Test
  void non_admins_may_not_touch_role_or_status_even_unchanged() {
    for (String role : List.of("user", "support")) {
      Session s = id.newUserWithRole(role);
      for (JsonObject body : List.of(new JsonObject().put("role", "admin"), new JsonObject().put("role", role),
          new JsonObject().put("status", "ACTIVE"), new JsonObject().put("full_name", "X").put("status", "ACTIVE"),
          new JsonObject().put("full_name", "X").put("active", false),
          new JsonObject().put("full_name", "X").put("verified", true))) {
        expect(api.put("/api/profile", body, s.access()), 403, "insufficient_permissions", null);
      }
      assertThat(api.get("/api/profile", s.access()).data().getString("role")).isEqualTo(role);
    }
    // the body rules come first: an invalid role is 400 even for a non-admin
    expect(api.put("/api/profile", new JsonObject().put("role", "god"), id.newUser().access()), 400, "invalid_role",
        "role");
  }

  @Test
  void admins_may_change_their_own_role_and_status_fields() {
    Session a = id.newAdmin();
    Api.Resp r = api.put("/api/profile", new JsonObject().put("status", "ACTIVE").put("full_name", "Boss"), a.access());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.data().getString("full_name")).isEqualTo("Boss");
  }

  @Test
  void profile_update_errors() {
    Session s = id.newUser();
    Session other = id.newUser();
    expect(api.put("/api/profile", new JsonObject(), s.access()), 400, "missing_fields", null);
    expect(api.put("/api/profile", new JsonObject().put("email", "nope"), s.access()), 400, "invalid_email_format",
        "email");
    expect(api.put("/api/profile", new JsonObject().put("full_name", "x".repeat(256)), s.access()), 400,
        "invalid_name_format", "full_name");
    expect(api.put("/api/profile", new JsonObject().put("email", other.email().toUpperCase()), s.access()), 409,
        "email_already_exists", null);
  }

  @Test
  void password_change_rules_in_order() {
    Session s = id.newUser();
    String p = s.password();
    String path = "/api/profile/password";
    expect(api.put(path, change(null, null, null), s.access()), 401, "invalid_credentials", "current_password");
    expect(api.put(path, change("", "x", "x"), s.access()), 401, "invalid_credentials", "current_password");
    expect(api.put(path, change(p, null, null), s.access()), 401, "invalid_credentials", "new_password");
    expect(api.put(path, change(p, "1234567", null), s.access()), 400, "invalid_password_format", "new_password");
    expect(api.put(path, change(p, "n".repeat(256), null), s.access()), 400, "invalid_password_format",
        "new_password");
    expect(api.put(path, change(p, "new-password-1", null), s.access()), 401, "invalid_credentials",
        "password_confirmation");
    expect(api.put(path, change(p, "new-password-1", "new-password-2"), s.access()), 400, "invalid_password_format",
        "password_confirmation");
    expect(api.put(path, change(p, p, p), s.access()), 400, "invalid_password_format", "new_password");
    expect(api.put(path, change("wrong-current", "new-password-1", "new-password-1"), s.access()), 401,
        "invalid_credentials", null);
    id.login(s.email(), p); // nothing changed
    // the caller's role minimum applies: admin 15
    Session a = id.newAdmin();
    expect(api.put(path, change(a.password(), "fourteen-chars", "fourteen-chars"), a.access()), 400,
        "invalid_password_format", "new_password");
    assertThat(api.put(path, change(a.password(), "fifteen-chars!!", "fifteen-chars!!"), a.access()).status())
        .isEqualTo(200);
  }

  @Test
  void password_change_revokes_other_sessions_and_keeps_the_callers() {
    Session mine = id.newUser();
    Session other = id.login(mine.email(), mine.password());
    Session third = id.login(mine.email(), mine.password());
    Api.Resp r = api.put("/api/profile/password", change(mine.password(), "brand-new-pass", "brand-new-pass"),
        mine.access());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.data().getString("message")).isEqualTo("Password updated successfully");

    expect(api.post("/api/auth/login", new JsonObject().put("email", mine.email()).put("password", mine.password()),
        null), 401, "invalid_credentials", null);
    id.login(mine.email(), "brand-new-pass");
    for (Session s : List.of(other, third)) {
      expect(api.post("/api/auth/refresh", new JsonObject().put("refresh_token", s.refresh()), null), 401,
          "token_revoked", null);
    }
    // the caller's session lives on: its access token and its refresh token still work
    assertThat(api.get("/api/profile", mine.access()).status()).isEqualTo(200);
    assertThat(api.post("/api/auth/logout", new JsonObject().put("refresh_token", mine.refresh()), null).status())
        .isEqualTo(200);
    assertThat(id.column("SELECT details->>'sessions_revoked' FROM auth.audit_events WHERE event = 'password_changed' "
        + "AND user_id = ?::uuid", mine.userId())).containsExactly("2");
    assertThat(id.column("SELECT password_hash FROM users.users WHERE id = ?::uuid", mine.userId()).get(0))
        .startsWith("$argon2id$");
  }
}
