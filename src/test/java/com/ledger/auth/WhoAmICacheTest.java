package com.ledger.auth;

import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.TestApp;
import com.ledger.users.Identity;
import com.ledger.users.Identity.Session;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /auth/me} answers from the node's user cache (and the edge remembers verified tokens), yet a change of the
 * user is visible on the very next request. The cache TTL is ten minutes here, so only the cluster-wide eviction that
 * every change publishes can make these pass; two HTTP event loops, so the warm entry is read from both lanes.
 */
class WhoAmICacheTest {
  static TestApp app;
  static Identity id;
  static Api api;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("auth.status_cache_ms", 600_000, "http.instances", 2));
    id = new Identity(app);
    api = app.api;
  }

  @AfterAll
  static void stop() {
    app.verifyLedgerAndClose();
  }

  /** Several requests, so each event loop (and its connection) has seen and cached the user. */
  private static JsonObject me(Session s) {
    JsonObject last = null;
    for (int i = 0; i < 4; i++) {
      Api.Resp r = api.get("/api/auth/me", s.access());
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      if (last != null) assertThat(r.data()).isEqualTo(last);
      last = r.data();
    }
    return last;
  }

  private static void put(String path, JsonObject body, Session as) {
    Api.Resp r = api.put(path, body, as.access());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  void a_role_change_by_an_admin_is_on_the_next_me() {
    Session admin = id.newAdmin();
    Session s = id.newUser();
    assertThat(me(s).getString("role")).isEqualTo("user");
    put("/api/users/" + s.userId(), new JsonObject().put("role", "support"), admin);
    assertThat(me(s).getString("role")).isEqualTo("support");
  }

  @Test
  void a_status_change_is_on_the_next_me_both_ways() {
    Session admin = id.newAdmin();
    Session s = id.newUser();
    assertThat(me(s).getString("status")).isEqualTo("ACTIVE");
    put("/api/users/" + s.userId(), new JsonObject().put("status", "SUSPENDED"), admin);
    assertProblem(api.get("/api/auth/me", s.access()), 422, "account_inactive", null);
    put("/api/users/" + s.userId(), new JsonObject().put("status", "ACTIVE"), admin);
    assertThat(me(s).getString("status")).isEqualTo("ACTIVE");
  }

  @Test
  void an_email_and_name_change_of_the_own_profile_is_on_the_next_me() {
    Session s = id.newUser();
    me(s);
    String email = Identity.email("renamed");
    put("/api/profile", new JsonObject().put("email", email).put("full_name", "Renamed Person"), s);
    JsonObject after = me(s);
    assertThat(after.getString("email")).isEqualTo(email.toLowerCase());
    assertThat(after.getString("full_name")).isEqualTo("Renamed Person");
    Api.Resp validate = api.get("/api/auth/validate", s.access());
    assertThat(validate.status()).as(validate.body()).isEqualTo(200);
  }

  @Test
  void a_password_change_shows_the_stored_updated_at() {
    Session s = id.newUser();
    me(s);
    put("/api/profile/password", new JsonObject().put("current_password", s.password())
        .put("new_password", "another-password-1!").put("password_confirmation", "another-password-1!"), s);
    String stored = id.column("SELECT to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
        + "FROM users.users WHERE id = ?::uuid", s.userId()).get(0);
    assertThat(me(s).getString("updated_at")).isEqualTo(stored);
  }

  @Test
  void a_deleted_user_is_refused_on_the_next_me() {
    Session admin = id.newAdmin();
    Session s = id.newUser();
    me(s);
    Api.Resp del = api.delete("/api/users/" + s.userId(), admin.access());
    assertThat(del.status()).as(del.body()).isEqualTo(200);
    assertProblem(api.get("/api/auth/me", s.access()), 401, "invalid_token", null);
    assertProblem(api.get("/api/auth/validate", s.access()), 401, "invalid_token", null);
  }
}
