package com.ledger.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.db.Migrations;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.security.PasswordHasher;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import com.ledger.users.UserVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Over the bus, with a hasher this test owns: the unknown-email path runs exactly one Argon2 derivation like a wrong
 * password does (no timing assertions), and weak hashes are upgraded on login.
 */
class LoginHashingTest {
  static Vertx vertx;
  static String dbUrl;
  static PasswordHasher hasher;
  static AppConfig cfg;

  @BeforeAll
  static void start() {
    dbUrl = TestDatabase.fresh();
    Map<String, Object> s = new HashMap<>(TestApp.settings(Map.of()));
    s.put("db.url", dbUrl);
    cfg = TestApp.config(s);
    Migrations.migrate(cfg.db());
    hasher = new PasswordHasher(new PasswordHasher.Params(4096, 1, 1));
    vertx = Vertx.vertx();
    vertx.deployVerticle(new UserVerticle(cfg.db(), cfg.auth(), cfg.http().requestTimeoutMs(), hasher)).await();
    vertx.deployVerticle(new AuthVerticle(cfg.db(), cfg.jwt(), cfg.auth(), cfg.http().requestTimeoutMs())).await();
    register("known@example.com", "password123!");
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    TestDatabase.drop(dbUrl);
  }

  static void register(String email, String password) {
    JsonObject body = new JsonObject().put("email", email).put("full_name", "K").put("password", password)
        .put("password_confirmation", password);
    vertx.eventBus().request("users.register", request(body)).await();
  }

  static JsonObject request(JsonObject body) {
    return new JsonObject().put("body", body).put("correlationId", "t").put("clientIp", "10.0.0.1");
  }

  static ReplyException loginFails(String email, String password) {
    return catchThrowableOfType(ReplyException.class, () -> vertx.eventBus()
        .request("auth.login", request(new JsonObject().put("email", email).put("password", password))).await());
  }

  @Test
  void unknown_email_costs_one_hash_like_a_wrong_password() {
    long before = hasher.hashCount();
    ReplyException unknown = loginFails("nobody-" + System.nanoTime() + "@example.com", "password123!");
    long unknownCost = hasher.hashCount() - before;

    before = hasher.hashCount();
    ReplyException wrong = loginFails("known@example.com", "wrong-password");
    long wrongCost = hasher.hashCount() - before;

    assertThat(unknownCost).isEqualTo(1);
    assertThat(wrongCost).isEqualTo(1);
    assertThat(unknown.failureCode()).isEqualTo(ErrorCode.INVALID_CREDENTIALS.failureCode);
    assertThat(unknown.getMessage()).isEqualTo(wrong.getMessage());
  }

  @Test
  void field_errors_cost_no_hash() {
    long before = hasher.hashCount();
    assertThat(loginFails("not-an-email", "x").failureCode()).isEqualTo(ErrorCode.INVALID_EMAIL_FORMAT.failureCode);
    assertThat(loginFails("known@example.com", "").failureCode()).isEqualTo(ErrorCode.INVALID_CREDENTIALS.failureCode);
    assertThat(hasher.hashCount()).isEqualTo(before);
  }

  @Test
  void a_hash_made_with_weaker_parameters_is_replaced_on_login() throws Exception {
    register("weak@example.com", "password123!");
    String weak = new PasswordHasher(new PasswordHasher.Params(1024, 1, 1)).hash("password123!");
    try (var c = TestDatabase.jdbc(dbUrl);
         var ps = c.prepareStatement("UPDATE users.users SET password_hash = ? WHERE email = 'weak@example.com'")) {
      ps.setString(1, weak);
      ps.executeUpdate();
    }
    var reply = vertx.eventBus().<JsonObject>request("auth.login",
        request(new JsonObject().put("email", "weak@example.com").put("password", "password123!"))).await();
    assertThat(reply.body().getInteger("status")).isEqualTo(200);
    try (var c = TestDatabase.jdbc(dbUrl); var st = c.createStatement();
         var rs = st.executeQuery("SELECT password_hash FROM users.users WHERE email = 'weak@example.com'")) {
      rs.next();
      assertThat(rs.getString(1)).startsWith("$argon2id$v=19$m=4096,t=1,p=1$").isNotEqualTo(weak);
      assertThat(hasher.verify("password123!", rs.getString(1))).isTrue();
    }
  }
}
