package com.ledger.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.ledger.auth.api.AuthApi;
import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.support.BusTier;
import com.ledger.support.TestUsers;
import com.ledger.users.api.UsersApi;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The auth context alone over the bus (the middle tier), its neighbour the users context played by the test: what
 * auth does with the users context's answers — and with its absence — with no Argon2, no HTTP and no other context.
 */
class AuthVerticleBusTest {
  static BusTier auth;
  final List<MessageConsumer<JsonObject>> stubs = new ArrayList<>();

  @BeforeAll
  static void deploy() {
    auth = BusTier.deploy(cfg -> new AuthVerticle(cfg.db(), cfg.jwt(), cfg.auth(), cfg.http().requestTimeoutMs()));
  }

  @AfterAll
  static void close() {
    auth.close();
  }

  @AfterEach
  void unstub() {
    for (MessageConsumer<JsonObject> s : stubs) s.unregister().await();
    stubs.clear();
  }

  /** The users context answering {@code address} with {@code answer} (read per request); counts the requests. */
  private AtomicInteger stub(String address, Supplier<JsonObject> answer) {
    AtomicInteger asked = new AtomicInteger();
    MessageConsumer<JsonObject> c = auth.vertx.eventBus().consumer(address, m -> {
      asked.incrementAndGet();
      m.reply(answer.get());
    });
    c.completion().await();
    stubs.add(c);
    return asked;
  }

  private static ApiReply login(String email) {
    return auth.send(BusTier.request(AuthApi.LOGIN, null, null, null,
        new JsonObject().put("email", email).put("password", "password123!")));
  }

  private static LedgerException loginFails(String email) {
    return catchThrowableOfType(LedgerException.class, () -> login(email));
  }

  private static ApiReply refresh(String token) {
    return auth.send(BusTier.request(AuthApi.REFRESH, null, null, null, new JsonObject().put("refresh_token", token)));
  }

  private static String email() {
    return "bus-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  @Test
  void after_max_failures_the_next_login_is_throttled_without_asking_the_users_context() {
    AtomicInteger asked = stub(UsersApi.VERIFY_CREDENTIALS, () -> new JsonObject().put("outcome", "invalid"));
    String email = email();
    for (int i = 1; i <= 5; i++) assertThat(loginFails(email).code).as("attempt " + i).isEqualTo(ErrorCode.INVALID_CREDENTIALS);

    LedgerException throttled = loginFails(email);
    assertThat(throttled.code).isEqualTo(ErrorCode.RATE_LIMIT_EXCEEDED);
    assertThat(throttled.details.getLong("retry_after_ms")).isPositive();
    assertThat(asked.get()).as("the users context was not asked once the throttle refused").isEqualTo(5);
    assertThat(auth.db.count("SELECT count(*) FROM auth.audit_events WHERE event = 'login_throttled' "
        + "AND details ->> 'email' = ?", email)).isEqualTo(1);
    // another email from the same address is not throttled
    assertThat(loginFails(email()).code).isEqualTo(ErrorCode.INVALID_CREDENTIALS);
  }

  @Test
  void a_users_context_that_does_not_answer_never_counts_as_a_failed_login() {
    String email = email();
    for (int i = 1; i <= 7; i++) {
      assertThat(loginFails(email).code).as("attempt " + i + " with no users context")
          .isNotIn(ErrorCode.RATE_LIMIT_EXCEEDED, ErrorCode.INVALID_CREDENTIALS, ErrorCode.INTERNAL_SERVER_ERROR);
    }
    assertThat(auth.db.count("SELECT count(*) FROM auth.audit_events WHERE details ->> 'email' = ?", email)).isZero();
  }

  @Test
  void refresh_for_a_user_the_users_context_reports_inactive_is_refused_and_the_session_kept() {
    TestUsers.User u = TestUsers.insert(auth.vertx, auth.cfg.jwt(), auth.cfg.db().url(), "user");
    JsonObject user = new JsonObject().put("id", u.id().toString()).put("email", u.email()).put("role", u.role());
    stub(UsersApi.VERIFY_CREDENTIALS,
        () -> new JsonObject().put("outcome", "ok").put("user_id", u.id().toString()).put("user", user));
    JsonObject status = new JsonObject().put("found", true).put("status", "SUSPENDED").put("active", false)
        .put("suspended", true).put("deleted", false).put("email", u.email()).put("role", u.role());
    stub(UsersApi.STATUS, () -> status.copy());
    String refreshToken = ((JsonObject) login(u.email()).data()).getString("refresh_token");

    LedgerException refused = catchThrowableOfType(LedgerException.class, () -> refresh(refreshToken));
    assertThat(refused.code).isEqualTo(ErrorCode.ACCOUNT_INACTIVE);
    assertThat(auth.db.count("SELECT count(*) FROM auth.refresh_tokens WHERE user_id = ? AND revoked_at IS NULL",
        u.id())).as("the presented token is not rotated away").isEqualTo(1);

    // active again: the same token still refreshes (and is rotated)
    status.put("status", "ACTIVE").put("active", true).put("suspended", false);
    JsonObject pair = ((JsonObject) refresh(refreshToken).data()).getJsonObject("access_token");
    assertThat(pair.getString("refresh_token")).isNotEqualTo(refreshToken);
    assertThat(auth.db.count("SELECT count(*) FROM auth.refresh_tokens WHERE user_id = ? AND revoked_at IS NULL",
        u.id())).isEqualTo(1);
    assertThat(auth.db.count("SELECT count(*) FROM auth.refresh_tokens WHERE user_id = ?", u.id())).isEqualTo(2);
  }
}
