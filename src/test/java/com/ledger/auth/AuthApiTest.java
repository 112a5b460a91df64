package com.ledger.auth;

import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.TestApp;
import com.ledger.users.Identity;
import com.ledger.users.Identity.Session;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End-to-end over HTTP: login, refresh rotation and reuse, logout, logout-all, me, validate (SPEC.md §2.2, §4). */
class AuthApiTest {
  static TestApp app;
  static Identity id;
  static Api api;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("seed_demo_data", true));
    id = new Identity(app);
    api = app.api;
  }

  @AfterAll
  static void stop() {
    app.verifyLedgerAndClose();
  }

  static JsonObject creds(Object email, Object password) {
    return new JsonObject().put("email", email).put("password", password);
  }

  static JsonObject refreshBody(String token) {
    return new JsonObject().put("refresh_token", token);
  }

  // ------------------------------------------------------------------ login

  @Test
  void demo_users_log_in() {
    Map<String, String> demo = Map.of("alice@example.com", "password123!", "bob@example.com", "password123!",
        "admin@example.com", "admin-password-123!", "support@example.com", "support-password-123!");
    demo.forEach((email, password) -> {
      Api.Resp r = api.post("/api/auth/login", creds(email, password), null);
      assertThat(r.status()).as(email + " " + r.body()).isEqualTo(200);
      assertThat(r.data().getJsonObject("user").getString("email")).isEqualTo(email);
    });
    assertThat(id.login("admin@example.com", "admin-password-123!").user().getString("role")).isEqualTo("admin");
    assertThat(id.login("support@example.com", "support-password-123!").user().getString("role")).isEqualTo("support");
  }

  @Test
  void login_returns_tokens_with_the_spec_claims_and_the_user() {
    String email = Identity.email("login");
    id.register(email, Identity.PASSWORD);
    Api.Resp r = api.post("/api/auth/login", creds(email.toUpperCase(), Identity.PASSWORD), null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject d = r.data();
    JsonObject user = d.getJsonObject("user");
    assertThat(user.fieldNames()).containsExactlyInAnyOrder("id", "email", "full_name", "status", "role", "active",
        "verified", "suspended", "deleted", "inserted_at", "updated_at");
    assertThat(user.getString("inserted_at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");

    JsonObject access = Jwts.claims(d.getString("access_token"));
    JsonObject refresh = Jwts.claims(d.getString("refresh_token"));
    assertThat(access.getString("type")).isEqualTo("access");
    assertThat(access.getString("sub")).isEqualTo(user.getString("id"));
    assertThat(access.getString("email")).isEqualTo(email);
    assertThat(access.getString("role")).isEqualTo("user");
    assertThat(access.getString("iss")).isEqualTo("ledger-bank-api");
    assertThat(access.getValue("aud").toString()).contains("ledger-bank-api");
    assertThat(access.getLong("exp") - access.getLong("iat")).isEqualTo(900);
    assertThat(access.getString("jti")).isNotBlank();
    assertThat(refresh.getString("type")).isEqualTo("refresh");
    assertThat(refresh.getLong("exp") - refresh.getLong("iat")).isEqualTo(604_800);
    assertThat(refresh.containsKey("email")).isFalse();
    assertThat(refresh.getString("sid")).isEqualTo(access.getString("sid"));
    // stored by jti, family = session id; the raw token is never stored
    assertThat(id.column("SELECT family_id::text FROM auth.refresh_tokens WHERE jti = ?", refresh.getString("jti")))
        .containsExactly(refresh.getString("sid"));
    assertThat(id.count("SELECT count(*) FROM auth.refresh_tokens WHERE jti = ?", d.getString("refresh_token")))
        .isZero();
  }

  @Test
  void login_field_rules_in_order() {
    assertProblem(api.post("/api/auth/login", new JsonObject(), null), 400, "missing_fields", "email");
    assertProblem(api.post("/api/auth/login", creds("   ", "x"), null), 400, "missing_fields", "email");
    assertProblem(api.post("/api/auth/login", creds("not-an-email", null), null), 400, "invalid_email_format", "email");
    assertProblem(api.post("/api/auth/login", creds(42, "x"), null), 400, "invalid_email_format", "email");
    assertProblem(api.post("/api/auth/login", creds("a\u0000b@example.com", "x"), null), 400, "invalid_email_format",
        "email");
    assertProblem(api.post("/api/auth/login", creds("nobody@example.com", null), null), 401, "invalid_credentials",
        "password");
    assertProblem(api.post("/api/auth/login", creds("nobody@example.com", ""), null), 401, "invalid_credentials",
        "password");
    assertProblem(api.post("/api/auth/login", creds("nobody@example.com", 12345678), null), 401,
        "invalid_credentials", "password");
    assertProblem(api.post("/api/auth/login", "{\"email\": ", null), 400, "invalid_json_body", null);
  }

  @Test
  void unknown_email_and_wrong_password_get_identical_bodies() {
    Session s = id.newUser();
    Api.Resp wrong = api.post("/api/auth/login", creds(s.email(), "wrong-password"), null);
    Api.Resp unknown = api.post("/api/auth/login", creds(Identity.email("ghost"), "wrong-password"), null);
    Api.Resp tooShort = api.post("/api/auth/login", creds(s.email(), "x"), null); // no length rule at login
    for (Api.Resp r : List.of(wrong, unknown, tooShort)) {
      assertThat(r.status()).as(r.body()).isEqualTo(401);
      assertThat(r.reason()).isEqualTo("invalid_credentials");
    }
    assertThat(withoutVolatile(wrong.json()).encode()).isEqualTo(withoutVolatile(unknown.json()).encode());
    assertThat(withoutVolatile(wrong.json()).encode()).isEqualTo(withoutVolatile(tooShort.json()).encode());
  }

  static JsonObject withoutVolatile(JsonObject problem) {
    JsonObject p = problem.copy();
    p.remove("timestamp");
    p.remove("instance");
    p.getJsonObject("error").remove("timestamp");
    p.getJsonObject("error").remove("instance");
    return p;
  }

  @Test
  void inactive_users_get_422_only_with_the_right_password() {
    for (String status : List.of("SUSPENDED", "DELETED")) {
      String email = Identity.email("inactive");
      JsonObject u = id.register(email, Identity.PASSWORD);
      id.sql("UPDATE users.users SET status = ? WHERE id = ?::uuid", status, u.getString("id"));
      assertProblem(api.post("/api/auth/login", creds(email, Identity.PASSWORD), null), 422, "account_inactive", null);
      assertProblem(api.post("/api/auth/login", creds(email, "wrong-password"), null), 401, "invalid_credentials", null);
    }
    String email = Identity.email("flagged");
    JsonObject u = id.register(email, Identity.PASSWORD);
    id.sql("UPDATE users.users SET suspended = true WHERE id = ?::uuid", u.getString("id"));
    assertProblem(api.post("/api/auth/login", creds(email, Identity.PASSWORD), null), 422, "account_inactive", null);
  }

  @Test
  void failed_logins_per_ip_and_email_are_throttled_with_retry_after() {
    Session s = id.newUser();
    for (int i = 0; i < 5; i++) {
      assertProblem(api.post("/api/auth/login", creds(s.email(), "wrong-" + i), null), 401, "invalid_credentials", null);
    }
    Api.Resp blocked = api.post("/api/auth/login", creds(s.email().toUpperCase(), s.password()), null);
    assertProblem(blocked, 429, "rate_limit_exceeded", null);
    int retryAfter = Integer.parseInt(blocked.header("retry-after"));
    assertThat(retryAfter).isBetween(250, 300);
    // another email from the same client is not affected
    id.login(id.newUser().email(), Identity.PASSWORD);
    assertThat(id.count("SELECT count(*) FROM auth.audit_events WHERE event = 'login_throttled' AND details->>'email' = ?",
        s.email())).isEqualTo(1);
  }

  @Test
  void a_successful_login_clears_the_failure_count() {
    Session s = id.newUser();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 4; i++) {
        assertThat(api.post("/api/auth/login", creds(s.email(), "wrong"), null).status()).isEqualTo(401);
      }
      id.login(s.email(), s.password());
    }
  }

  @Test
  void login_events_are_audited_with_the_correlation_id() {
    Session s = id.newUser();
    String cid = "audit-" + s.userId();
    Api.Resp ok = api.send("POST", "/api/auth/login", creds(s.email(), s.password()), null,
        Map.of("X-Correlation-ID", cid));
    assertThat(ok.status()).isEqualTo(200);
    api.send("POST", "/api/auth/login", creds(s.email(), "bad-password"), null, Map.of("X-Correlation-ID", cid + "-x"));
    assertThat(id.column("SELECT event || '|' || coalesce(user_id::text,'') || '|' || client_ip FROM auth.audit_events "
        + "WHERE request_id = ?", cid)).containsExactly("login_succeeded|" + s.userId() + "|127.0.0.1");
    assertThat(id.column("SELECT event || '|' || (details->>'email') FROM auth.audit_events WHERE request_id = ?",
        cid + "-x")).containsExactly("login_failed|" + s.email());
    assertThat(id.column("SELECT details::text FROM auth.audit_events WHERE request_id IN (?, ?)", cid, cid + "-x"))
        .noneMatch(d -> d.contains(s.password()) || d.contains("bad-password") || d.contains("argon2"));
  }

  // ------------------------------------------------------------------ refresh

  @Test
  void refresh_rotates_the_token_and_keeps_the_session() {
    Session s = id.newUser();
    Api.Resp r = api.post("/api/auth/refresh", refreshBody(s.refresh()), null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject pair = r.data().getJsonObject("access_token");
    String access = pair.getString("access_token");
    String refresh = pair.getString("refresh_token");
    assertThat(Jwts.claims(refresh).getString("sid")).isEqualTo(Jwts.claims(s.refresh()).getString("sid"));
    assertThat(Jwts.claims(access).getString("sid")).isEqualTo(Jwts.claims(s.refresh()).getString("sid"));
    assertThat(api.get("/api/auth/me", access).status()).isEqualTo(200);
    // the rotated one is dead, the new one works
    assertThat(api.post("/api/auth/refresh", refreshBody(refresh), null).status()).isEqualTo(200);
  }

  @Test
  void reusing_a_rotated_token_revokes_the_whole_session_and_is_audited() {
    Session s = id.newUser();
    Session other = id.login(s.email(), s.password());
    String r2 = api.post("/api/auth/refresh", refreshBody(s.refresh()), null).data().getJsonObject("access_token")
        .getString("refresh_token");
    assertProblem(api.post("/api/auth/refresh", refreshBody(s.refresh()), null), 401, "token_revoked", null);
    // the newest token of the family stops working too
    assertProblem(api.post("/api/auth/refresh", refreshBody(r2), null), 401, "token_revoked", null);
    assertThat(id.count("SELECT count(*) FROM auth.audit_events WHERE event = 'refresh_token_reuse_detected' "
        + "AND user_id = ?::uuid", s.userId())).isEqualTo(1);
    // another session of the same user is untouched
    assertThat(api.post("/api/auth/refresh", refreshBody(other.refresh()), null).status()).isEqualTo(200);
  }

  @Test
  void concurrent_logins_with_the_right_password_all_succeed() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Api.Resp>> futures = IntStream.range(0, 8).mapToObj(i -> pool.submit(
          () -> api.post("/api/auth/login", creds("bob@example.com", "password123!"), null))).toList();
      for (Future<Api.Resp> f : futures) assertThat(f.get().status()).as(f.get().body()).isEqualTo(200);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrent_refreshes_of_one_token_have_exactly_one_winner() throws Exception {
    Session s = id.newUser();
    int n = 8;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Callable<Api.Resp>> calls = IntStream.range(0, n).<Callable<Api.Resp>>mapToObj(i -> () -> {
        go.await();
        return api.post("/api/auth/refresh", refreshBody(s.refresh()), null);
      }).toList();
      List<Future<Api.Resp>> futures = calls.stream().map(pool::submit).toList();
      go.countDown();
      int ok = 0;
      String winner = null;
      for (Future<Api.Resp> f : futures) {
        Api.Resp r = f.get();
        if (r.status() == 200) {
          ok++;
          winner = r.data().getJsonObject("access_token").getString("refresh_token");
        } else {
          assertProblem(r, 401, "token_revoked", null);
        }
      }
      assertThat(ok).isEqualTo(1);
      assertThat(id.count("SELECT count(*) FROM auth.refresh_tokens WHERE family_id = ?::uuid",
          Jwts.claims(s.refresh()).getString("sid"))).isEqualTo(2);
      // the losers presented a token that had just been rotated: reuse, so the session (winner's token too) is revoked
      assertProblem(api.post("/api/auth/refresh", refreshBody(winner), null), 401, "token_revoked", null);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void refresh_error_reasons() {
    Session s = id.newUser();
    Api.Resp missing = api.post("/api/auth/refresh", new JsonObject(), null);
    assertProblem(missing, 400, "missing_fields", "refresh_token");
    assertThat(missing.json().getJsonObject("details").getString("message"))
        .isEqualTo("Refresh token is required and must be a non-empty string");
    assertProblem(api.post("/api/auth/refresh", refreshBody(""), null), 400, "missing_fields", "refresh_token");
    assertProblem(api.post("/api/auth/refresh", new JsonObject().put("refresh_token", 7), null), 400, "missing_fields",
        "refresh_token");
    assertProblem(api.post("/api/auth/refresh", refreshBody("garbage"), null), 401, "invalid_token", null);
    assertProblem(api.post("/api/auth/refresh", refreshBody(s.access()), null), 401, "invalid_token_type", null);

    JsonObject claims = Jwts.claims(s.refresh());
    long now = Instant.now().getEpochSecond();
    assertProblem(api.post("/api/auth/refresh", refreshBody(Jwts.hs256(claims.copy().put("exp", now - 1), TestApp.JWT_SECRET)),
        null), 401, "token_expired", null);
    assertProblem(api.post("/api/auth/refresh", refreshBody(Jwts.hs256(claims.copy().put("iss", "evil"), TestApp.JWT_SECRET)),
        null), 401, "invalid_issuer", null);
    assertProblem(api.post("/api/auth/refresh", refreshBody(Jwts.hs256(claims.copy().put("aud", "evil"), TestApp.JWT_SECRET)),
        null), 401, "invalid_audience", null);
    assertProblem(api.post("/api/auth/refresh", refreshBody(Jwts.hs256(claims.copy().put("nbf", now + 600),
        TestApp.JWT_SECRET)), null), 401, "token_not_yet_valid", null);
    JsonObject noType = claims.copy();
    noType.remove("type");
    assertProblem(api.post("/api/auth/refresh", refreshBody(Jwts.hs256(noType, TestApp.JWT_SECRET)), null), 401,
        "missing_required_claims", null);
    // validly signed, unknown jti
    assertProblem(api.post("/api/auth/refresh", refreshBody(Jwts.hs256(claims.copy().put("jti",
        java.util.UUID.randomUUID().toString()), TestApp.JWT_SECRET)), null), 404, "token_not_found", null);
    // the real token still works after all that
    assertThat(api.post("/api/auth/refresh", refreshBody(s.refresh()), null).status()).isEqualTo(200);
  }

  @Test
  void refresh_requires_an_active_existing_user() {
    Session suspended = id.newUser();
    id.sql("UPDATE users.users SET status = 'SUSPENDED' WHERE id = ?::uuid", suspended.userId());
    assertProblem(api.post("/api/auth/refresh", refreshBody(suspended.refresh()), null), 422, "account_inactive", null);

    Session gone = id.newUser();
    id.sql("DELETE FROM users.users WHERE id = ?::uuid", gone.userId());
    assertProblem(api.post("/api/auth/refresh", refreshBody(gone.refresh()), null), 401, "invalid_token", null);
  }

  // ------------------------------------------------------------------ logout / logout-all

  @Test
  void logout_revokes_the_session_only() {
    Session s = id.newUser();
    Session other = id.login(s.email(), s.password());
    String rotated = api.post("/api/auth/refresh", refreshBody(s.refresh()), null).data().getJsonObject("access_token")
        .getString("refresh_token");
    Api.Resp out = api.post("/api/auth/logout", refreshBody(rotated), null);
    assertThat(out.status()).as(out.body()).isEqualTo(200);
    assertThat(out.data().getString("message")).isEqualTo("Logged out successfully");
    assertProblem(api.post("/api/auth/refresh", refreshBody(rotated), null), 401, "token_revoked", null);
    assertProblem(api.post("/api/auth/logout", refreshBody(rotated), null), 401, "token_revoked", null);
    assertThat(id.count("SELECT count(*) FROM auth.refresh_tokens WHERE family_id = ?::uuid AND revoked_at IS NULL",
        Jwts.claims(rotated).getString("sid"))).isZero();
    assertThat(api.post("/api/auth/refresh", refreshBody(other.refresh()), null).status()).isEqualTo(200);
  }

  @Test
  void logout_error_reasons() {
    Session s = id.newUser();
    assertProblem(api.post("/api/auth/logout", new JsonObject(), null), 400, "missing_fields", "refresh_token");
    assertProblem(api.post("/api/auth/logout", refreshBody("x.y.z"), null), 401, "invalid_token", null);
    assertProblem(api.post("/api/auth/logout", refreshBody(s.access()), null), 401, "invalid_token_type", null);
    assertProblem(api.post("/api/auth/logout", refreshBody(Jwts.hs256(Jwts.claims(s.refresh()).put("jti", "nope"),
        TestApp.JWT_SECRET)), null), 404, "token_not_found", null);
  }

  @Test
  void logout_all_kills_every_refresh_token_but_not_access_tokens() {
    Session a = id.newUser();
    Session b = id.login(a.email(), a.password());
    Session c = id.login(a.email(), a.password());
    Api.Resp r = api.post("/api/auth/logout-all", null, a.access());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.data().getString("message")).isEqualTo("Logged out from all devices successfully");
    for (Session s : List.of(a, b, c)) {
      assertProblem(api.post("/api/auth/refresh", refreshBody(s.refresh()), null), 401, "token_revoked", null);
    }
    assertThat(id.count("SELECT count(*) FROM auth.refresh_tokens WHERE user_id = ?::uuid AND revoked_at IS NULL",
        a.userId())).isZero();
    assertThat(api.get("/api/auth/me", b.access()).status()).isEqualTo(200);
    assertProblem(api.post("/api/auth/logout-all", null, null), 401, "invalid_token", null);
  }

  // ------------------------------------------------------------------ me / validate

  @Test
  void me_and_validate_describe_the_caller() {
    Session s = id.newUser();
    Api.Resp me = api.get("/api/auth/me", s.access());
    assertThat(me.status()).as(me.body()).isEqualTo(200);
    assertThat(me.data()).isEqualTo(s.user());
    assertThat(me.data().containsKey("password_hash")).isFalse();

    Api.Resp v = api.get("/api/auth/validate", s.access());
    assertThat(v.status()).as(v.body()).isEqualTo(200);
    long exp = Jwts.claims(s.access()).getLong("exp");
    assertThat(v.data()).isEqualTo(new JsonObject().put("valid", true).put("user_id", s.userId()).put("role", "user")
        .put("expires_at", Instant.ofEpochSecond(exp).toString()));
  }

  @Test
  void bearer_header_shape() {
    assertProblem(api.get("/api/auth/me", null), 401, "invalid_token", null);
    assertProblem(api.send("GET", "/api/auth/me", null, null, Map.of("Authorization", "Basic dXNlcjpwdw==")), 401,
        "invalid_token", null);
    assertProblem(api.send("GET", "/api/auth/me", null, null, Map.of("Authorization", "Bearer")), 401,
        "invalid_token", null);
    assertProblem(api.send("GET", "/api/auth/validate", null, null, Map.of("Authorization", "Bearer    ")), 401,
        "invalid_token", null);
  }

  @Test
  void access_token_verification_reasons_in_spec_order() {
    Session s = id.newUser();
    JsonObject good = Jwts.access(s.userId());
    long now = Instant.now().getEpochSecond();
    String secret = TestApp.JWT_SECRET;
    assertThat(api.get("/api/auth/me", Jwts.hs256(good, secret)).status()).isEqualTo(200);

    expectMe(Jwts.hs256(good, secret.replace('0', '1')), "invalid_token");
    String real = s.access();
    String[] parts = real.split("\\.");
    expectMe(parts[0] + "." + Jwts.b64(Jwts.claims(real).put("role", "admin").encode()) + "." + parts[2],
        "invalid_token");
    expectMe(Jwts.b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Jwts.b64(good.encode()) + ".", "invalid_token");
    expectMe(Jwts.b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Jwts.b64(good.encode()), "invalid_token");
    expectMe(Jwts.sign(new JsonObject().put("alg", "HS512").put("typ", "JWT"), good, secret), "invalid_token");
    expectMe("not-a-jwt", "invalid_token");
    for (String claim : List.of("sub", "exp", "iat", "iss", "type")) {
      JsonObject c = good.copy();
      c.remove(claim);
      expectMe(Jwts.hs256(c, secret), "missing_required_claims");
    }
    expectMe(Jwts.hs256(good.copy().put("type", "refresh"), secret), "invalid_token_type");
    expectMe(s.refresh(), "invalid_token_type");
    expectMe(Jwts.hs256(good.copy().put("exp", now - 5), secret), "token_expired");
    expectMe(Jwts.hs256(good.copy().put("exp", now).put("type", "refresh"), secret), "invalid_token_type"); // type first
    expectMe(Jwts.hs256(good.copy().put("nbf", now + 300), secret), "token_not_yet_valid");
    expectMe(Jwts.hs256(good.copy().put("iss", "someone-else"), secret), "invalid_issuer");
    expectMe(Jwts.hs256(good.copy().put("exp", now - 5).put("iss", "someone-else"), secret), "token_expired");
    expectMe(Jwts.hs256(good.copy().put("aud", "someone-else"), secret), "invalid_audience");
    JsonObject noAud = good.copy();
    noAud.remove("aud");
    expectMe(Jwts.hs256(noAud, secret), "invalid_audience");
    // validly signed for a user that does not exist
    expectMe(Jwts.hs256(Jwts.access(java.util.UUID.randomUUID().toString()), secret), "invalid_token");
  }

  private static void expectMe(String token, String reason) {
    assertProblem(api.get("/api/auth/me", token), 401, reason, null);
  }

  // ------------------------------------------------------------------ account status effects (§4.5)

  @Test
  void a_suspended_users_live_access_token_is_refused_at_once() {
    Session admin = id.newAdmin();
    Session s = id.newUser();
    assertThat(api.get("/api/auth/me", s.access()).status()).isEqualTo(200); // now cached at the edge
    Api.Resp put = api.put("/api/users/" + s.userId(), new JsonObject().put("status", "SUSPENDED"), admin.access());
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertProblem(api.get("/api/auth/me", s.access()), 422, "account_inactive", null);
    assertProblem(api.get("/api/profile", s.access()), 422, "account_inactive", null);
    assertThat(api.put("/api/users/" + s.userId(), new JsonObject().put("status", "ACTIVE"), admin.access()).status())
        .isEqualTo(200);
    assertThat(api.get("/api/auth/me", s.access()).status()).isEqualTo(200);
    assertThat(id.column("SELECT details->>'to' FROM auth.audit_events WHERE event = 'status_changed' "
        + "AND user_id = ?::uuid ORDER BY occurred_at, details->>'to' DESC", s.userId()))
        .containsExactly("SUSPENDED", "ACTIVE");
  }

  @Test
  void a_role_change_applies_to_live_tokens_at_once() {
    Session admin = id.newAdmin();
    Session s = id.newUser();
    assertProblem(api.get("/api/users/stats", s.access()), 403, "insufficient_permissions", null);
    assertThat(api.put("/api/users/" + s.userId(), new JsonObject().put("role", "admin"), admin.access()).status())
        .isEqualTo(200);
    assertThat(api.get("/api/users/stats", s.access()).status()).isEqualTo(200);
    assertThat(api.get("/api/auth/validate", s.access()).data().getString("role")).isEqualTo("admin");
  }

  @Test
  void a_hard_deleted_users_token_gets_401() {
    Session admin = id.newAdmin();
    Session s = id.newUser();
    assertThat(api.get("/api/auth/me", s.access()).status()).isEqualTo(200);
    assertThat(api.delete("/api/users/" + s.userId(), admin.access()).status()).isEqualTo(200);
    assertProblem(api.get("/api/auth/me", s.access()), 401, "invalid_token", null);
    assertProblem(api.post("/api/auth/refresh", refreshBody(s.refresh()), null), 401, "invalid_token", null);
  }

}
