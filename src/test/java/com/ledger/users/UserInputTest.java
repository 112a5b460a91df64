package com.ledger.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SPEC.md §2.1 / §4.6 field rules, table-driven, without Vert.x. */
class UserInputTest {
  static final UserInput.PasswordRules RULES = UserInput.PasswordRules.DEFAULT;

  /** expected: the normalised value, or the reason of the failure. */
  static void check(Function<Object, Object> rule, Object input, Object expected, String field) {
    if (expected instanceof ErrorCode code) {
      LedgerException e = catchThrowableOfType(LedgerException.class, () -> rule.apply(input));
      assertThat(e).as("input %s", input).isNotNull();
      assertThat(e.code).isEqualTo(code);
      assertThat(e.details.getString("field")).isEqualTo(field);
    } else {
      assertThat(rule.apply(input)).isEqualTo(expected);
    }
  }

  static Stream<Arguments> emails() {
    return Stream.of(
        Arguments.of("alice@example.com", "alice@example.com"),
        Arguments.of("Alice@Example.COM", "alice@example.com"),
        Arguments.of("a+b@x.io", "a+b@x.io"),
        Arguments.of(null, ErrorCode.MISSING_FIELDS),
        Arguments.of("", ErrorCode.MISSING_FIELDS),
        Arguments.of("   ", ErrorCode.MISSING_FIELDS),
        Arguments.of(42, ErrorCode.INVALID_EMAIL_FORMAT),
        Arguments.of(true, ErrorCode.INVALID_EMAIL_FORMAT),
        Arguments.of(" alice@example.com", ErrorCode.INVALID_EMAIL_FORMAT), // regex on the raw value
        Arguments.of("alice@example", ErrorCode.INVALID_EMAIL_FORMAT),
        Arguments.of("alice.example.com", ErrorCode.INVALID_EMAIL_FORMAT),
        Arguments.of("a@@b.com", ErrorCode.INVALID_EMAIL_FORMAT),
        Arguments.of("al ice@example.com", ErrorCode.INVALID_EMAIL_FORMAT),
        Arguments.of("a\u0000@example.com", ErrorCode.INVALID_EMAIL_FORMAT),
        Arguments.of("a\u0001@example.com", ErrorCode.INVALID_EMAIL_FORMAT),
        Arguments.of("\u0000", ErrorCode.INVALID_EMAIL_FORMAT),
        Arguments.of("a".repeat(243) + "@example.com", "a".repeat(243) + "@example.com"), // 255
        Arguments.of("a".repeat(244) + "@example.com", ErrorCode.INVALID_EMAIL_FORMAT)); // 256
  }

  @ParameterizedTest(name = "email {0} → {1}")
  @MethodSource("emails")
  void email(Object input, Object expected) {
    check(UserInput::email, input, expected, "email");
  }

  static Stream<Arguments> names() {
    return Stream.of(
        Arguments.of("Alice", "Alice"),
        Arguments.of("  Alice Example  ", "Alice Example"),
        Arguments.of("Zoë Ñúñez 李", "Zoë Ñúñez 李"),
        Arguments.of(null, ErrorCode.MISSING_FIELDS),
        Arguments.of("", ErrorCode.MISSING_FIELDS),
        Arguments.of(" \t ", ErrorCode.MISSING_FIELDS),
        Arguments.of(7, ErrorCode.INVALID_NAME_FORMAT),
        Arguments.of("A\u0000B", ErrorCode.INVALID_NAME_FORMAT),
        Arguments.of("A\u001bB", ErrorCode.INVALID_NAME_FORMAT),
        Arguments.of("A\nB", ErrorCode.INVALID_NAME_FORMAT),
        Arguments.of("n".repeat(255), "n".repeat(255)),
        Arguments.of("n".repeat(256), ErrorCode.INVALID_NAME_FORMAT),
        Arguments.of("😀".repeat(255), "😀".repeat(255))); // code points, not UTF-16 units
  }

  @ParameterizedTest(name = "full_name {0} → {1}")
  @MethodSource("names")
  void full_name(Object input, Object expected) {
    check(UserInput::fullName, input, expected, "full_name");
  }

  static Stream<Arguments> roles() {
    return Stream.of(Arguments.of("user", "user"), Arguments.of("admin", "admin"), Arguments.of("support", "support"),
        Arguments.of("Admin", ErrorCode.INVALID_ROLE), Arguments.of(" user", ErrorCode.INVALID_ROLE),
        Arguments.of("", ErrorCode.INVALID_ROLE), Arguments.of(1, ErrorCode.INVALID_ROLE),
        Arguments.of("us\u0000er", ErrorCode.INVALID_ROLE));
  }

  @ParameterizedTest(name = "role {0} → {1}")
  @MethodSource("roles")
  void role(Object input, Object expected) {
    check(UserInput::role, input, expected, "role");
  }

  static Stream<Arguments> statuses() {
    return Stream.of(Arguments.of("ACTIVE", "ACTIVE"), Arguments.of("SUSPENDED", "SUSPENDED"),
        Arguments.of("DELETED", "DELETED"), Arguments.of("active", ErrorCode.INVALID_STATUS),
        Arguments.of("BANNED", ErrorCode.INVALID_STATUS), Arguments.of(false, ErrorCode.INVALID_STATUS));
  }

  @ParameterizedTest(name = "status {0} → {1}")
  @MethodSource("statuses")
  void status(Object input, Object expected) {
    check(UserInput::status, input, expected, "status");
  }

  static Stream<Arguments> passwords() {
    return Stream.of(
        // role, password, expected
        Arguments.of("user", "12345678", "12345678"),
        Arguments.of("user", "1234567", ErrorCode.INVALID_PASSWORD_FORMAT),
        Arguments.of("user", "        ", "        "), // never trimmed; spaces count
        Arguments.of("user", " pass word ", " pass word "),
        Arguments.of("admin", "123456789012345", "123456789012345"),
        Arguments.of("admin", "12345678901234", ErrorCode.INVALID_PASSWORD_FORMAT),
        Arguments.of("support", "12345678901234", ErrorCode.INVALID_PASSWORD_FORMAT),
        Arguments.of("support", "123456789012345", "123456789012345"),
        Arguments.of("user", "p".repeat(255), "p".repeat(255)),
        Arguments.of("user", "p".repeat(256), ErrorCode.INVALID_PASSWORD_FORMAT),
        Arguments.of("user", "😀".repeat(8), "😀".repeat(8)),
        Arguments.of("user", "😀".repeat(7), ErrorCode.INVALID_PASSWORD_FORMAT),
        Arguments.of("user", "password\u0000123", ErrorCode.INVALID_PASSWORD_FORMAT),
        Arguments.of("user", null, ErrorCode.INVALID_CREDENTIALS),
        Arguments.of("user", "", ErrorCode.INVALID_CREDENTIALS),
        Arguments.of("admin", 123456789012345L, ErrorCode.INVALID_CREDENTIALS));
  }

  @ParameterizedTest(name = "{0} password {1} → {2}")
  @MethodSource("passwords")
  void new_password_uses_the_role_minimum(String role, Object input, Object expected) {
    check(v -> UserInput.newPassword(v, "password", RULES.minFor(role)), input, expected, "password");
  }

  @Test
  void configured_minimums_are_used() {
    UserInput.PasswordRules strict = new UserInput.PasswordRules(12, 20, 16);
    assertThat(strict.minFor("user")).isEqualTo(12);
    assertThat(strict.minFor("admin")).isEqualTo(20);
    assertThat(strict.minFor("support")).isEqualTo(16);
    assertThat(strict.minFor(null)).isEqualTo(12);
  }

  static JsonObject reg(Object email, Object name, Object password, Object confirmation) {
    return new JsonObject().put("email", email).put("full_name", name).put("password", password)
        .put("password_confirmation", confirmation);
  }

  static Stream<Arguments> registrations() {
    String p = "password123!";
    return Stream.of(
        Arguments.of(reg(null, null, null, null), ErrorCode.MISSING_FIELDS, "email"),
        Arguments.of(reg("bad", null, null, null), ErrorCode.INVALID_EMAIL_FORMAT, "email"),
        Arguments.of(reg("a@b.co", null, null, null), ErrorCode.MISSING_FIELDS, "full_name"),
        Arguments.of(reg("a@b.co", "N", null, null), ErrorCode.INVALID_CREDENTIALS, "password"),
        Arguments.of(reg("a@b.co", "N", "short", null), ErrorCode.INVALID_PASSWORD_FORMAT, "password"),
        Arguments.of(reg("a@b.co", "N", p, null), ErrorCode.INVALID_CREDENTIALS, "password_confirmation"),
        Arguments.of(reg("a@b.co", "N", p, ""), ErrorCode.INVALID_CREDENTIALS, "password_confirmation"),
        Arguments.of(reg("a@b.co", "N", p, p + " "), ErrorCode.INVALID_PASSWORD_FORMAT, "password_confirmation"),
        Arguments.of(reg("A@B.CO", " N ", p, p).put("role", "admin"), null, null));
  }

  @ParameterizedTest(name = "registration {0} → {1} {2}")
  @MethodSource("registrations")
  void registration_order_and_forced_role(JsonObject body, ErrorCode code, String field) {
    if (code == null) {
      assertThat(UserInput.registration(body, RULES))
          .isEqualTo(new UserInput.NewUser("a@b.co", "N", "user", "password123!"));
      return;
    }
    LedgerException e = catchThrowableOfType(LedgerException.class, () -> UserInput.registration(body, RULES));
    assertThat(e.code).isEqualTo(code);
    assertThat(e.details.getString("field")).isEqualTo(field);
  }

  static Stream<Arguments> adminCreations() {
    return Stream.of(
        Arguments.of(reg("a@b.co", "N", "short", "short").put("role", "nope"), ErrorCode.INVALID_ROLE, "role"),
        Arguments.of(reg("a@b.co", "N", "password123!", "password123!").put("role", "admin"),
            ErrorCode.INVALID_PASSWORD_FORMAT, "password"),
        Arguments.of(reg("a@b.co", "N", "password123!", "password123!").put("role", "support"),
            ErrorCode.INVALID_PASSWORD_FORMAT, "password"),
        Arguments.of(reg("a@b.co", "N", "password123!", "password123!").putNull("role"), null, "user"),
        Arguments.of(reg("a@b.co", "N", "password123!", "password123!"), null, "user"),
        Arguments.of(reg("a@b.co", "N", "long-password-123", "long-password-123").put("role", "admin"), null, "admin"),
        Arguments.of(reg("a@b.co", "N", "long-password-123", "long-password-123").put("role", "support"), null,
            "support"));
  }

  @ParameterizedTest(name = "admin creation {0} → {1} {2}")
  @MethodSource("adminCreations")
  void admin_creation_checks_role_before_password(JsonObject body, ErrorCode code, String fieldOrRole) {
    if (code == null) {
      assertThat(UserInput.adminCreation(body, RULES).role()).isEqualTo(fieldOrRole);
      return;
    }
    LedgerException e = catchThrowableOfType(LedgerException.class, () -> UserInput.adminCreation(body, RULES));
    assertThat(e.code).isEqualTo(code);
    assertThat(e.details.getString("field")).isEqualTo(fieldOrRole);
  }

  static Stream<Arguments> updates() {
    return Stream.of(
        Arguments.of(new JsonObject(), ErrorCode.MISSING_FIELDS, null),
        Arguments.of(new JsonObject().putNull("email").putNull("role").put("active", false), ErrorCode.MISSING_FIELDS,
            null),
        Arguments.of(new JsonObject().put("email", ""), ErrorCode.MISSING_FIELDS, "email"),
        Arguments.of(new JsonObject().put("full_name", "").put("email", "x@y.zz"), ErrorCode.MISSING_FIELDS,
            "full_name"),
        Arguments.of(new JsonObject().put("email", "bad").put("role", "bad"), ErrorCode.INVALID_EMAIL_FORMAT, "email"),
        Arguments.of(new JsonObject().put("role", "bad").put("status", "bad"), ErrorCode.INVALID_ROLE, "role"),
        Arguments.of(new JsonObject().put("status", "bad"), ErrorCode.INVALID_STATUS, "status"),
        Arguments.of(new JsonObject().put("email", "X@Y.ZZ").put("status", "SUSPENDED"), null, null));
  }

  @ParameterizedTest(name = "update {0} → {1} {2}")
  @MethodSource("updates")
  void update_changes(JsonObject body, ErrorCode code, String field) {
    if (code == null) {
      assertThat(UserInput.changes(body)).isEqualTo(new UserInput.Changes("x@y.zz", null, null, "SUSPENDED"));
      return;
    }
    LedgerException e = catchThrowableOfType(LedgerException.class, () -> UserInput.changes(body));
    assertThat(e.code).isEqualTo(code);
    assertThat(e.details.getString("field")).isEqualTo(field);
  }

  @Test
  void attributes_are_the_non_null_policy_fields() {
    JsonObject body = new JsonObject().put("full_name", "x").putNull("role").put("active", false).put("other", 1);
    assertThat(UserInput.attributes(body)).isEqualTo(Set.of("full_name", "active"));
  }

  static JsonObject pw(Object current, Object next, Object confirmation) {
    return new JsonObject().put("current_password", current).put("new_password", next)
        .put("password_confirmation", confirmation);
  }

  static Stream<Arguments> passwordChanges() {
    return Stream.of(
        Arguments.of(pw(null, null, null), 8, ErrorCode.INVALID_CREDENTIALS, "current_password"),
        Arguments.of(pw("old-password", null, null), 8, ErrorCode.INVALID_CREDENTIALS, "new_password"),
        Arguments.of(pw("old-password", "short", null), 8, ErrorCode.INVALID_PASSWORD_FORMAT, "new_password"),
        Arguments.of(pw("old-password", "twelve-chars", "twelve-chars"), 15, ErrorCode.INVALID_PASSWORD_FORMAT,
            "new_password"),
        Arguments.of(pw("old-password", "new-password", null), 8, ErrorCode.INVALID_CREDENTIALS,
            "password_confirmation"),
        Arguments.of(pw("old-password", "new-password", "new-passworD"), 8, ErrorCode.INVALID_PASSWORD_FORMAT,
            "password_confirmation"),
        Arguments.of(pw("same-password", "same-password", "same-password"), 8, ErrorCode.INVALID_PASSWORD_FORMAT,
            "new_password"),
        Arguments.of(pw("old-password", "new-password", "new-password"), 8, null, null));
  }

  @ParameterizedTest(name = "password change {0} (min {1}) → {2} {3}")
  @MethodSource("passwordChanges")
  void password_change_order(JsonObject body, int min, ErrorCode code, String field) {
    if (code == null) {
      assertThat(UserInput.passwordChange(body, min))
          .isEqualTo(new UserInput.PasswordChange("old-password", "new-password"));
      return;
    }
    LedgerException e = catchThrowableOfType(LedgerException.class, () -> UserInput.passwordChange(body, min));
    assertThat(e.code).isEqualTo(code);
    assertThat(e.details.getString("field")).isEqualTo(field);
  }

  @Test
  void login_lowercases_the_email_and_has_no_length_rule() {
    assertThat(UserInput.login(new JsonObject().put("email", "Bob@Example.com").put("password", "x")))
        .containsExactly("bob@example.com", "x");
  }
}
