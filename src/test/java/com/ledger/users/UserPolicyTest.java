package com.ledger.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.users.UserPolicy.Actor;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SPEC.md §5.3 and §1.5 as a table: every role × action × (self | other) × attribute set. */
class UserPolicyTest {
  static final String ME = "11111111-1111-1111-1111-111111111111";
  static final String OTHER = "22222222-2222-2222-2222-222222222222";

  static Actor actor(String role) {
    return new Actor(ME, role);
  }

  static Stream<Arguments> updates() {
    return Stream.of(
        // role, target, attrs, allowed
        Arguments.of("admin", OTHER, Set.of("full_name"), true),
        Arguments.of("admin", OTHER, Set.of("role"), true),
        Arguments.of("admin", OTHER, Set.of("status", "email"), true),
        Arguments.of("admin", ME, Set.of("role"), true),
        Arguments.of("admin", ME, Set.of("status"), true),
        Arguments.of("admin", ME, Set.of("full_name"), true),
        Arguments.of("admin", OTHER, Set.of(), true),
        Arguments.of("user", ME, Set.of("full_name"), true),
        Arguments.of("user", ME, Set.of("email"), true),
        Arguments.of("user", ME, Set.of("password", "password_confirmation"), true),
        Arguments.of("user", ME, Set.of("full_name", "role"), false),
        Arguments.of("user", ME, Set.of("status"), false),
        Arguments.of("user", ME, Set.of("email", "active"), false),
        Arguments.of("user", ME, Set.of("full_name", "verified"), false),
        Arguments.of("user", ME, Set.of("full_name", "suspended"), false),
        Arguments.of("user", ME, Set.of("full_name", "deleted"), false),
        Arguments.of("user", ME, Set.of(), false),
        Arguments.of("user", OTHER, Set.of("full_name"), false),
        Arguments.of("user", OTHER, Set.of("role"), false),
        Arguments.of("support", ME, Set.of("full_name"), true),
        Arguments.of("support", ME, Set.of("role"), false),
        Arguments.of("support", ME, Set.of("status"), false),
        Arguments.of("support", OTHER, Set.of("full_name"), true),
        Arguments.of("support", OTHER, Set.of("email"), true),
        Arguments.of("support", OTHER, Set.of(), true),
        Arguments.of("support", OTHER, Set.of("role"), false),
        Arguments.of("support", OTHER, Set.of("status"), false),
        Arguments.of("support", OTHER, Set.of("full_name", "active"), false),
        Arguments.of("auditor", OTHER, Set.of("full_name"), false),
        Arguments.of("auditor", ME, Set.of("full_name"), true));
  }

  @ParameterizedTest(name = "{0} updating {1} with {2} → {3}")
  @MethodSource("updates")
  void can_update_user(String role, String target, Set<String> attrs, boolean allowed) {
    assertThat(UserPolicy.canUpdateUser(actor(role), target, attrs)).isEqualTo(allowed);
  }

  static Stream<Arguments> deletes() {
    return Stream.of(Arguments.of("admin", OTHER, true), Arguments.of("admin", ME, false),
        Arguments.of("support", OTHER, false), Arguments.of("support", ME, false),
        Arguments.of("user", OTHER, false), Arguments.of("user", ME, false));
  }

  @ParameterizedTest(name = "{0} deleting {1} → {2}")
  @MethodSource("deletes")
  void can_delete_user(String role, String target, boolean allowed) {
    assertThat(UserPolicy.canDeleteUser(actor(role), target)).isEqualTo(allowed);
  }

  static Stream<Arguments> creates() {
    return Stream.of(Arguments.of("admin", "admin", true), Arguments.of("admin", "support", true),
        Arguments.of("admin", "user", true), Arguments.of("support", "admin", false),
        Arguments.of("support", "support", true), Arguments.of("support", "user", true),
        Arguments.of("user", "admin", false), Arguments.of("user", "user", true),
        Arguments.of(null, "user", true), Arguments.of(null, "admin", false));
  }

  @ParameterizedTest(name = "{0} creating a {1} → {2}")
  @MethodSource("creates")
  void can_create_user(String role, String requested, boolean allowed) {
    Actor a = role == null ? null : actor(role);
    assertThat(UserPolicy.canCreateUser(a, requested)).isEqualTo(allowed);
  }

  static Stream<Arguments> reads() {
    return Stream.of(Arguments.of("admin", OTHER, true), Arguments.of("admin", ME, true),
        Arguments.of("support", OTHER, false), Arguments.of("support", ME, false),
        Arguments.of("user", OTHER, false), Arguments.of("user", ME, false));
  }

  @ParameterizedTest(name = "{0} viewing {1} / listing → {2}")
  @MethodSource("reads")
  void view_and_list_are_admin_only_without_self_exception(String role, String target, boolean allowed) {
    assertThat(UserPolicy.canViewUser(actor(role), target)).isEqualTo(allowed);
    assertThat(UserPolicy.canListUsers(actor(role))).isEqualTo("admin".equals(role));
  }

  static Stream<Arguments> passwordChanges() {
    return Stream.of(Arguments.of("admin", ME, true), Arguments.of("admin", OTHER, false),
        Arguments.of("support", ME, true), Arguments.of("support", OTHER, false),
        Arguments.of("user", ME, true), Arguments.of("user", OTHER, false));
  }

  @ParameterizedTest(name = "{0} changing the password of {1} → {2}")
  @MethodSource("passwordChanges")
  void can_change_password(String role, String target, boolean allowed) {
    assertThat(UserPolicy.canChangePassword(actor(role), target)).isEqualTo(allowed);
  }
}
