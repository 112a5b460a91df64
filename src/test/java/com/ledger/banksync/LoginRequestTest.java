package com.ledger.banksync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ledger.platform.bus.Caller;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LoginRequestTest {
  private static final String B = UUID.randomUUID().toString();

  private static JsonObject ok() {
    return new JsonObject().put("bank_branch_id", B).put("username", "alice123").put("password", "bank-password-1");
  }

  private static void rejects(JsonObject body, ErrorCode code, String field) {
    assertThatThrownBy(() -> LoginRequest.parse(body)).as(body.encode())
        .isInstanceOfSatisfying(LedgerException.class, e -> {
          assertThat(e.code).isEqualTo(code);
          assertThat(e.details.getString("field")).isEqualTo(field);
        });
  }

  @Test
  void accepts_and_defaults() {
    LoginRequest r = LoginRequest.parse(ok());
    assertThat(r.syncFrequency()).isEqualTo(3600);
    assertThat(r.username()).isEqualTo("alice123");
    assertThat(r.toString()).doesNotContain("bank-password-1");
    assertThat(LoginRequest.parse(ok().put("sync_frequency", 300)).syncFrequency()).isEqualTo(300);
    assertThat(LoginRequest.parse(ok().put("sync_frequency", 86400)).syncFrequency()).isEqualTo(86400);
    assertThat(LoginRequest.parse(ok().putNull("sync_frequency")).syncFrequency()).isEqualTo(3600);
  }

  @Test
  void sync_frequency_is_an_integer_as_written() {
    assertThat(LoginRequest.parse(ok().put("sync_frequency", 900), new JsonObject()).syncFrequency()).isEqualTo(900);
    for (String literal : new String[] {"3.6e3", "3600.0", "9e2", "-0", "1e400"}) {
      JsonObject body = ok().put("sync_frequency", 3600.0);
      assertThatThrownBy(() -> LoginRequest.parse(body, new JsonObject().put("/sync_frequency", literal))).as(literal)
          .isInstanceOfSatisfying(LedgerException.class, e -> {
            assertThat(e.code).isEqualTo(ErrorCode.MISSING_FIELDS);
            assertThat(e.details.getString("field")).isEqualTo("sync_frequency");
          });
    }
    rejects(ok().put("sync_frequency", new java.math.BigInteger("123456789012345678901234567890")), ErrorCode.MISSING_FIELDS,
        "sync_frequency");
    rejects(ok().put("sync_frequency", "3600"), ErrorCode.MISSING_FIELDS, "sync_frequency");
  }

  @Test
  void field_rules_in_order() {
    rejects(new JsonObject().put("username", 5), ErrorCode.MISSING_FIELDS, "bank_branch_id");
    rejects(ok().put("bank_branch_id", ""), ErrorCode.MISSING_FIELDS, "bank_branch_id");
    rejects(ok().put("bank_branch_id", 12), ErrorCode.INVALID_UUID_FORMAT, "bank_branch_id");
    rejects(ok().put("bank_branch_id", "1234"), ErrorCode.INVALID_UUID_FORMAT, "bank_branch_id");
    rejects(ok().putNull("username").put("password", 5), ErrorCode.MISSING_FIELDS, "username");
    rejects(ok().put("username", "  "), ErrorCode.MISSING_FIELDS, "username");
    rejects(ok().put("username", 123456), ErrorCode.INVALID_USERNAME_FORMAT, "username");
    rejects(ok().put("username", "ab"), ErrorCode.INVALID_USERNAME_FORMAT, "username");
    rejects(ok().put("username", "a".repeat(51)), ErrorCode.INVALID_USERNAME_FORMAT, "username");
    rejects(ok().put("username", "al ice"), ErrorCode.INVALID_USERNAME_FORMAT, "username");
    rejects(ok().put("username", "alice\u0000"), ErrorCode.INVALID_USERNAME_FORMAT, "username");
    rejects(ok().putNull("password"), ErrorCode.MISSING_FIELDS, "password");
    rejects(ok().put("password", ""), ErrorCode.MISSING_FIELDS, "password");
    rejects(ok().put("password", 12345678), ErrorCode.MISSING_FIELDS, "password");
    rejects(ok().put("password", "x".repeat(256)), ErrorCode.MISSING_FIELDS, "password");
    rejects(ok().put("password", "pass\u0000word"), ErrorCode.MISSING_FIELDS, "password");
    rejects(ok().put("sync_frequency", 299), ErrorCode.MISSING_FIELDS, "sync_frequency");
    rejects(ok().put("sync_frequency", 86401), ErrorCode.MISSING_FIELDS, "sync_frequency");
    rejects(ok().put("sync_frequency", 600.5), ErrorCode.MISSING_FIELDS, "sync_frequency");
    rejects(ok().put("sync_frequency", "600"), ErrorCode.MISSING_FIELDS, "sync_frequency");
  }

  @Test
  void access_policy() {
    UUID owner = UUID.randomUUID();
    Caller me = new Caller(owner.toString(), "user", null, null, null);
    Caller stranger = new Caller(UUID.randomUUID().toString(), "user", null, null, null);
    Caller support = new Caller(UUID.randomUUID().toString(), "support", null, null, null);
    Caller admin = new Caller(UUID.randomUUID().toString(), "admin", null, null, null);
    assertThat(LoginAccess.canSync(me, owner)).isTrue();
    assertThat(LoginAccess.canSync(stranger, owner)).isFalse();
    assertThat(LoginAccess.canSync(support, owner)).isTrue();
    assertThat(LoginAccess.canSync(admin, owner)).isTrue();
    assertThat(LoginAccess.canDelete(me, owner)).isTrue();
    assertThat(LoginAccess.canDelete(stranger, owner)).isFalse();
    assertThat(LoginAccess.canDelete(support, owner)).isFalse();
    assertThat(LoginAccess.canDelete(admin, owner)).isTrue();
  }
}
