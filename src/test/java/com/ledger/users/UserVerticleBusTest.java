package com.ledger.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.security.PasswordHasher;
import com.ledger.platform.security.Secrets;
import com.ledger.support.BusTier;
import com.ledger.support.TestUsers;
import com.ledger.users.api.UsersApi;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The users context alone over the bus (the middle tier): what its door does with requests the edge never sends. */
class UserVerticleBusTest {
  static BusTier users;

  @BeforeAll
  static void deploy() {
    users = BusTier.deploy(cfg -> new UserVerticle(cfg.db(), cfg.auth(), cfg.http().requestTimeoutMs(), new PasswordHasher(Secrets.passwordParams(cfg))));
  }

  @AfterAll
  static void close() {
    users.close();
  }

  private static JsonObject registration(String email) {
    return new JsonObject().put("email", email).put("full_name", "Bus Tier").put("password", "password123!")
        .put("password_confirmation", "password123!");
  }

  @Test
  void register_answers_201_and_the_same_email_again_is_email_already_exists() {
    String email = Identity.email("bus");
    ApiReply created = users.send(BusTier.request(UsersApi.REGISTER, null, null, null, registration(email)));
    assertThat(created.status()).isEqualTo(201);
    assertThat(((JsonObject) created.data()).getString("email")).isEqualTo(email);
    assertThat(users.db.count("SELECT count(*) FROM users.users WHERE email = ?", email)).isEqualTo(1);

    LedgerException again = catchThrowableOfType(LedgerException.class,
        () -> users.send(BusTier.request(UsersApi.REGISTER, null, null, null, registration(email))));
    assertThat(again.code).isEqualTo(ErrorCode.EMAIL_ALREADY_EXISTS);
    assertThat(again.details.getString("field")).isEqualTo("email");
  }

  @Test
  void a_path_id_that_is_not_a_uuid_is_invalid_uuid_format_not_a_500() {
    TestUsers.User admin = TestUsers.insert(users.vertx, users.cfg.jwt(), users.cfg.db().url(), "admin");
    LedgerException e = catchThrowableOfType(LedgerException.class, () -> users.send(BusTier.request(UsersApi.GET,
        BusTier.claims(admin), new JsonObject().put("id", "not-a-uuid"), null, null)));
    assertThat(e.code).isEqualTo(ErrorCode.INVALID_UUID_FORMAT);
    assertThat(e.details.getString("field")).isEqualTo("id");
  }
}
