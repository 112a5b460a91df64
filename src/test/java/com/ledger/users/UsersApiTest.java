package com.ledger.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.TestApp;
import com.ledger.users.Identity.Session;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End-to-end over HTTP: registration and the admin user routes (SPEC.md §2.3, §5). */
class UsersApiTest {
  static TestApp app;
  static Identity id;
  static Api api;
  static Session admin;

  @BeforeAll
  static void start() {
    app = TestApp.start();
    id = new Identity(app);
    api = app.api;
    admin = id.newAdmin();
  }

  @AfterAll
  static void stop() {
    app.verifyLedgerAndClose();
  }

  static JsonObject reg(String email, String name, Object password, Object confirmation) {
    return new JsonObject().put("email", email).put("full_name", name).put("password", password)
        .put("password_confirmation", confirmation);
  }

  // ------------------------------------------------------------------ registration

  @Test
  void registration_creates_an_active_user_and_normalises() {
    String email = Identity.email("Reg").toUpperCase();
    Api.Resp r = api.post("/api/users", reg(email, "  Jane Doe  ", "password123!", "password123!"), null);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonObject u = r.data();
    assertThat(u.getString("email")).isEqualTo(email.toLowerCase());
    assertThat(u.getString("full_name")).isEqualTo("Jane Doe");
    assertThat(u.getString("role")).isEqualTo("user");
    assertThat(u.getString("status")).isEqualTo("ACTIVE");
    assertThat(u.getBoolean("active")).isTrue();
    assertThat(u.getBoolean("verified")).isFalse();
    assertThat(u.getBoolean("suspended")).isFalse();
    assertThat(u.getBoolean("deleted")).isFalse();
    assertThat(u.fieldNames()).doesNotContain("password_hash", "password");
    assertThat(u.getString("id")).matches("[0-9a-f-]{36}");
    assertThat(u.getString("updated_at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(id.column("SELECT password_hash FROM users.users WHERE id = ?::uuid", u.getString("id")).get(0))
        .startsWith("$argon2id$v=19$");
  }

  @Test
  void role_escalation_through_registration_is_ignored() {
    for (Object role : List.of("admin", "support", "garbage", 5)) {
      String email = Identity.email("esc");
      Api.Resp r = api.post("/api/users", Identity.registration(email, "password123!").put("role", role)
          .put("status", "SUSPENDED").put("verified", true), null);
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      assertThat(r.data().getString("role")).isEqualTo("user");
      assertThat(r.data().getString("status")).isEqualTo("ACTIVE");
      assertThat(r.data().getBoolean("verified")).isFalse();
      assertThat(id.login(email, "password123!").user().getString("role")).isEqualTo("user");
    }
  }

  @Test
  void registration_field_rules_in_order() {
    String ok = Identity.email("order");
    String p = "password123!";
    expect(api.post("/api/users", new JsonObject(), null), 400, "missing_fields", "email");
    expect(api.post("/api/users", reg("", "N", p, p), null), 400, "missing_fields", "email");
    expect(api.post("/api/users", reg(" x@example.com", "N", p, p), null), 400, "invalid_email_format", "email");
    expect(api.post("/api/users", reg("no-at-sign", null, null, null), null), 400, "invalid_email_format", "email");
    expect(api.post("/api/users", reg("a\u0000@example.com", "N", p, p), null), 400, "invalid_email_format", "email");
    expect(api.post("/api/users", reg("a".repeat(250) + "@x.com", "N", p, p), null), 400, "invalid_email_format",
        "email");
    expect(api.post("/api/users", reg(ok, null, null, null), null), 400, "missing_fields", "full_name");
    expect(api.post("/api/users", reg(ok, "   ", p, p), null), 400, "missing_fields", "full_name");
    expect(api.post("/api/users", reg(ok, "Bad\u0000Name", p, p), null), 400, "invalid_name_format", "full_name");
    expect(api.post("/api/users", reg(ok, "Bad\u0007Name", p, p), null), 400, "invalid_name_format", "full_name");
    expect(api.post("/api/users", reg(ok, "n".repeat(256), p, p), null), 400, "invalid_name_format", "full_name");
    expect(api.post("/api/users", reg(ok, "N", null, null), null), 401, "invalid_credentials", "password");
    expect(api.post("/api/users", reg(ok, "N", "", p), null), 401, "invalid_credentials", "password");
    expect(api.post("/api/users", reg(ok, "N", 12345678, p), null), 401, "invalid_credentials", "password");
    expect(api.post("/api/users", reg(ok, "N", "1234567", "1234567"), null), 400, "invalid_password_format",
        "password");
    expect(api.post("/api/users", reg(ok, "N", "p".repeat(256), null), null), 400, "invalid_password_format",
        "password");
    expect(api.post("/api/users", reg(ok, "N", "pass\u0000word123", null), null), 400, "invalid_password_format",
        "password");
    expect(api.post("/api/users", reg(ok, "N", p, null), null), 401, "invalid_credentials", "password_confirmation");
    expect(api.post("/api/users", reg(ok, "N", p, "password123?"), null), 400, "invalid_password_format",
        "password_confirmation");
    // 8 code points (emoji are 2 UTF-16 chars each) is enough; 7 is not
    assertThat(api.post("/api/users", reg(Identity.email("cp"), "N", "😀😀😀😀😀😀😀😀", "😀😀😀😀😀😀😀😀"), null)
        .status()).isEqualTo(201);
    expect(api.post("/api/users", reg(ok, "N", "😀😀😀😀😀😀😀", "😀😀😀😀😀😀😀"), null), 400,
        "invalid_password_format", "password");
    // nothing was created by the failures
    assertThat(id.count("SELECT count(*) FROM users.users WHERE email = ?", ok)).isZero();
  }

  @Test
  void duplicate_email_is_409_case_insensitively() {
    String email = Identity.email("dup");
    id.register(email, "password123!");
    expect(api.post("/api/users", Identity.registration(email.toUpperCase(), "password123!"), null), 409,
        "email_already_exists", null);
    expect(api.post("/api/users/admin", Identity.registration(email, "password123!"), admin.access()), 409,
        "email_already_exists", null);
  }

  // ------------------------------------------------------------------ admin creation

  @Test
  void admin_creates_users_with_a_role_and_its_password_minimum() {
    String email = Identity.email("sup");
    Api.Resp r = api.post("/api/users/admin", Identity.registration(email, "support-password!").put("role", "support"),
        admin.access());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.data().getString("role")).isEqualTo("support");
    assertThat(id.login(email, "support-password!").user().getString("role")).isEqualTo("support");

    Api.Resp plain = api.post("/api/users/admin", Identity.registration(Identity.email("plain"), "password123!"),
        admin.access());
    assertThat(plain.status()).as(plain.body()).isEqualTo(201);
    assertThat(plain.data().getString("role")).isEqualTo("user");

    // role is checked before the password, so the role's minimum applies (admin/support 15)
    expect(api.post("/api/users/admin", Identity.registration(Identity.email("a"), "short").put("role", "boss"),
        admin.access()), 400, "invalid_role", "role");
    expect(api.post("/api/users/admin", Identity.registration(Identity.email("a"), "password123!").put("role", "admin"),
        admin.access()), 400, "invalid_password_format", "password");
    expect(api.post("/api/users/admin", Identity.registration(Identity.email("a"), "fourteen-chars").put("role",
        "support"), admin.access()), 400, "invalid_password_format", "password");
    assertThat(api.post("/api/users/admin", Identity.registration(Identity.email("a"), "fifteen-chars!!").put("role",
        "admin"), admin.access()).status()).isEqualTo(201);
    expect(api.post("/api/users/admin", new JsonObject(), admin.access()), 400, "missing_fields", "email");
    assertThat(id.count("SELECT count(*) FROM auth.audit_events WHERE event = 'user_created' AND actor_id = ?::uuid",
        admin.userId())).isGreaterThanOrEqualTo(3);
  }

  @Test
  void non_admins_get_403_on_every_admin_route() {
    Session user = id.newUser();
    Session support = id.newUserWithRole("support");
    String target = id.newUser().userId();
    for (Session s : List.of(user, support)) {
      expect(api.get("/api/users", s.access()), 403, "insufficient_permissions", null);
      expect(api.get("/api/users/keyset", s.access()), 403, "insufficient_permissions", null);
      expect(api.get("/api/users/stats", s.access()), 403, "insufficient_permissions", null);
      expect(api.get("/api/users/" + target, s.access()), 403, "insufficient_permissions", null);
      expect(api.get("/api/users/" + s.userId(), s.access()), 403, "insufficient_permissions", null); // not even self
      expect(api.put("/api/users/" + target, new JsonObject().put("full_name", "X"), s.access()), 403,
          "insufficient_permissions", null);
      expect(api.delete("/api/users/" + target, s.access()), 403, "insufficient_permissions", null);
      expect(api.post("/api/users/admin", Identity.registration(Identity.email("x"), "password123!"), s.access()), 403,
          "insufficient_permissions", null);
    }
    for (String path : List.of("/api/users", "/api/users/keyset", "/api/users/stats", "/api/users/" + target)) {
      expect(api.get(path, null), 401, "invalid_token", null);
    }
  }

  // ------------------------------------------------------------------ list / keyset / stats

  @Test
  void list_filters_count_and_paginate() {
    for (int i = 0; i < 3; i++) id.newUserWithRole("support");
    long supports = id.count("SELECT count(*) FROM users.users WHERE role = 'support'");
    Api.Resp r = api.get("/api/users?role=support&page_size=2&page=1", admin.access());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.dataArray()).hasSize(2).allSatisfy(u -> assertThat(((JsonObject) u).getString("role"))
        .isEqualTo("support"));
    JsonObject pg = r.json().getJsonObject("metadata").getJsonObject("pagination");
    assertThat(pg).isEqualTo(new JsonObject().put("page", 1).put("page_size", 2).put("total_count", supports)
        .put("total_pages", (supports + 1) / 2));

    Api.Resp none = api.get("/api/users?role=Support", admin.access());
    assertThat(none.dataArray()).isEmpty();
    assertThat(none.json().getJsonObject("metadata").getJsonObject("pagination").getLong("total_count")).isZero();
    assertThat(none.json().getJsonObject("metadata").getJsonObject("pagination").getLong("total_pages")).isZero();

    long all = id.count("SELECT count(*) FROM users.users");
    JsonObject dflt = api.get("/api/users?page=abc&page_size=0", admin.access()).json().getJsonObject("metadata")
        .getJsonObject("pagination");
    assertThat(dflt.getInteger("page")).isEqualTo(1);
    assertThat(dflt.getInteger("page_size")).isEqualTo(20);
    assertThat(dflt.getLong("total_count")).isEqualTo(all);
    assertThat(api.get("/api/users?page_size=1000", admin.access()).json().getJsonObject("metadata")
        .getJsonObject("pagination").getInteger("page_size")).isEqualTo(100);
    assertThat(api.get("/api/users?page=-3&status=ACTIVE&role=admin&unknown=1", admin.access()).json()
        .getJsonObject("metadata").getJsonObject("pagination").getLong("total_count"))
        .isEqualTo(id.count("SELECT count(*) FROM users.users WHERE role = 'admin' AND status = 'ACTIVE'"));
  }

  @Test
  void list_sorts_by_whitelisted_fields_with_id_tiebreaker() {
    for (int i = 0; i < 3; i++) id.newUser();
    List<String> byEmail = id.column("SELECT id::text FROM users.users ORDER BY email ASC, id ASC LIMIT 100");
    assertThat(ids(api.get("/api/users?page_size=100&sort=email:asc", admin.access()))).isEqualTo(byEmail);
    assertThat(ids(api.get("/api/users?page_size=100&sort=email", admin.access()))).isEqualTo(byEmail);
    assertThat(ids(api.get("/api/users?page_size=100&sort=nope:desc,email:sideways", admin.access())))
        .isEqualTo(byEmail);
    List<String> byDefault = id.column("SELECT id::text FROM users.users ORDER BY inserted_at DESC, id DESC LIMIT 100");
    assertThat(ids(api.get("/api/users?page_size=100", admin.access()))).isEqualTo(byDefault);
    assertThat(ids(api.get("/api/users?page_size=100&sort=password_hash:asc", admin.access()))).isEqualTo(byDefault);
    List<String> created = id.column("SELECT id::text FROM users.users ORDER BY inserted_at ASC, id ASC LIMIT 100");
    assertThat(ids(api.get("/api/users?page_size=100&sort=created_at:asc", admin.access()))).isEqualTo(created);
    List<String> roleThenName = id.column(
        "SELECT id::text FROM users.users ORDER BY role DESC, full_name ASC, id DESC LIMIT 100");
    assertThat(ids(api.get("/api/users?page_size=100&sort=role:desc,full_name", admin.access())))
        .isEqualTo(roleThenName);
  }

  @Test
  void keyset_walks_every_row_once_with_exact_has_more() {
    for (int i = 0; i < 4; i++) id.newUser();
    List<String> expected = id.column("SELECT id::text FROM users.users WHERE role = 'user' "
        + "ORDER BY inserted_at DESC, id DESC");
    int limit = 2;
    List<String> seen = new ArrayList<>();
    String cursor = null;
    for (int guard = 0; guard < 100; guard++) {
      String q = "/api/users/keyset?role=user&limit=" + limit
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      Api.Resp r = api.get(q, admin.access());
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      seen.addAll(ids(r));
      JsonObject pg = r.json().getJsonObject("metadata").getJsonObject("pagination");
      assertThat(pg.getString("type")).isEqualTo("keyset");
      assertThat(pg.getInteger("limit")).isEqualTo(limit);
      boolean hasMore = pg.getBoolean("has_more");
      assertThat(hasMore).isEqualTo(seen.size() < expected.size()); // exact, also when the last page is full
      if (!hasMore) {
        assertThat(pg.getValue("next_cursor")).isNull();
        break;
      }
      JsonObject next = pg.getJsonObject("next_cursor");
      assertThat(next.fieldNames()).containsExactlyInAnyOrder("inserted_at", "id");
      assertThat(next.getString("id")).isEqualTo(seen.get(seen.size() - 1));
      cursor = next.encode();
    }
    assertThat(seen).isEqualTo(expected);

    // malformed cursors are ignored (first page)
    List<String> first = ids(api.get("/api/users/keyset?role=user&limit=2", admin.access()));
    for (String bad : List.of("garbage", "{\"inserted_at\":\"yesterday\",\"id\":\"x\"}", "[]", "{}")) {
      assertThat(ids(api.get("/api/users/keyset?role=user&limit=2&cursor=" + URLEncoder.encode(bad,
          StandardCharsets.UTF_8), admin.access()))).isEqualTo(first);
    }
    assertThat(api.get("/api/users/keyset?limit=500", admin.access()).json().getJsonObject("metadata")
        .getJsonObject("pagination").getInteger("limit")).isEqualTo(100);
    assertThat(api.get("/api/users/keyset?status=NOPE", admin.access()).dataArray()).isEmpty();
  }

  @Test
  void stats_count_users() {
    Session s = id.newUser();
    id.sql("UPDATE users.users SET status = 'SUSPENDED' WHERE id = ?::uuid", s.userId());
    Api.Resp r = api.get("/api/users/stats", admin.access());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    long total = id.count("SELECT count(*) FROM users.users");
    long active = id.count("SELECT count(*) FROM users.users WHERE status = 'ACTIVE'");
    assertThat(r.data()).isEqualTo(new JsonObject().put("total_users", total).put("active_users", active)
        .put("admin_users", id.count("SELECT count(*) FROM users.users WHERE role = 'admin'"))
        .put("suspended_users", total - active));
    assertThat(total - active).isPositive();
  }

  // ------------------------------------------------------------------ get / update / delete

  @Test
  void get_a_user() {
    Session s = id.newUser();
    Api.Resp r = api.get("/api/users/" + s.userId(), admin.access());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.data()).isEqualTo(s.user());
    expect(api.get("/api/users/" + UUID.randomUUID(), admin.access()), 404, "user_not_found", null);
    expect(api.get("/api/users/not-a-uuid", admin.access()), 400, "invalid_uuid_format", "id");
    expect(api.get("/api/users/" + s.userId(), id.newUser().access()), 403, "insufficient_permissions", null);
  }

  @Test
  void admin_updates_a_user() {
    Session s = id.newUser();
    String newEmail = Identity.email("Moved").toUpperCase();
    Api.Resp r = api.put("/api/users/" + s.userId(), new JsonObject().put("email", newEmail)
        .put("full_name", " Renamed ").put("role", "support").put("status", "SUSPENDED").put("active", false), admin.access());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject u = r.data();
    assertThat(u.getString("email")).isEqualTo(newEmail.toLowerCase());
    assertThat(u.getString("full_name")).isEqualTo("Renamed");
    assertThat(u.getString("role")).isEqualTo("support");
    assertThat(u.getString("status")).isEqualTo("SUSPENDED");
    // status changes leave the flags alone
    assertThat(u.getBoolean("active")).isTrue();
    assertThat(u.getBoolean("suspended")).isFalse();
    assertThat(id.column("SELECT event FROM auth.audit_events WHERE user_id = ?::uuid AND actor_id = ?::uuid "
        + "ORDER BY event", s.userId(), admin.userId())).containsExactly("role_changed", "status_changed");
    // null = absent; the rest unchanged
    Api.Resp same = api.put("/api/users/" + s.userId(), new JsonObject().put("full_name", "Again").putNull("email"),
        admin.access());
    assertThat(same.data().getString("email")).isEqualTo(newEmail.toLowerCase());
    assertThat(same.data().getString("role")).isEqualTo("support");
    // own email again is fine
    assertThat(api.put("/api/users/" + s.userId(), new JsonObject().put("email", newEmail), admin.access()).status())
        .isEqualTo(200);
  }

  @Test
  void update_error_reasons_in_order() {
    Session s = id.newUser();
    Session other = id.newUser();
    String path = "/api/users/" + s.userId();
    expect(api.put("/api/users/nope", new JsonObject(), admin.access()), 400, "invalid_uuid_format", "id");
    expect(api.put("/api/users/" + UUID.randomUUID(), new JsonObject().put("full_name", "X"), admin.access()), 404,
        "user_not_found", null);
    Api.Resp empty = api.put(path, new JsonObject().put("unknown", 1), admin.access());
    expect(empty, 400, "missing_fields", null);
    assertThat(empty.json().getString("detail")).isEqualTo("At least one field must be provided for update");
    expect(api.put(path, new JsonObject().put("email", ""), admin.access()), 400, "missing_fields", "email");
    expect(api.put(path, new JsonObject().put("email", "bad"), admin.access()), 400, "invalid_email_format", "email");
    expect(api.put(path, new JsonObject().put("full_name", " "), admin.access()), 400, "missing_fields", "full_name");
    expect(api.put(path, new JsonObject().put("role", "root"), admin.access()), 400, "invalid_role", "role");
    expect(api.put(path, new JsonObject().put("role", "Admin"), admin.access()), 400, "invalid_role", "role");
    expect(api.put(path, new JsonObject().put("status", "active"), admin.access()), 400, "invalid_status", "status");
    expect(api.put(path, new JsonObject().put("email", other.email().toUpperCase()), admin.access()), 409,
        "email_already_exists", null);
    assertThat(api.get(path, admin.access()).data()).isEqualTo(s.user());
  }

  @Test
  void delete_is_a_hard_delete_with_cascades() {
    Session s = id.newUser();
    id.login(s.email(), s.password());
    assertThat(id.count("SELECT count(*) FROM auth.refresh_tokens WHERE user_id = ?::uuid", s.userId())).isEqualTo(2);
    Api.Resp r = api.delete("/api/users/" + s.userId(), admin.access());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.data().getString("message")).isEqualTo("User deleted successfully");
    assertThat(id.count("SELECT count(*) FROM users.users WHERE id = ?::uuid", s.userId())).isZero();
    assertThat(id.count("SELECT count(*) FROM auth.refresh_tokens WHERE user_id = ?::uuid", s.userId())).isZero();
    assertThat(id.count("SELECT count(*) FROM auth.audit_events WHERE event = 'user_deleted' AND user_id = ?::uuid "
        + "AND actor_id = ?::uuid", s.userId(), admin.userId())).isEqualTo(1);
    expect(api.get("/api/users/" + s.userId(), admin.access()), 404, "user_not_found", null);
    expect(api.delete("/api/users/" + s.userId(), admin.access()), 404, "user_not_found", null);
    expect(api.delete("/api/users/xyz", admin.access()), 400, "invalid_uuid_format", "id");
    expect(api.get("/api/auth/me", s.access()), 401, "invalid_token", null);
    expect(api.post("/api/auth/login", new JsonObject().put("email", s.email()).put("password", s.password()), null),
        401, "invalid_credentials", null);
  }

  @Test
  void admins_cannot_delete_themselves() {
    Session a = id.newAdmin();
    expect(api.delete("/api/users/" + a.userId(), a.access()), 403, "insufficient_permissions", null);
    assertThat(api.get("/api/auth/me", a.access()).status()).isEqualTo(200);
  }

  static List<String> ids(Api.Resp r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonArray a = r.dataArray();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) out.add(a.getJsonObject(i).getString("id"));
    return out;
  }

  static void expect(Api.Resp r, int status, String reason, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("content-type")).startsWith("application/problem+json");
    assertThat(r.reason()).as(r.body()).isEqualTo(reason);
    if (field != null) assertThat(r.json().getJsonObject("details").getString("field")).as(r.body()).isEqualTo(field);
  }

}
