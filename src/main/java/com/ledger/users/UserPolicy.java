package com.ledger.users;

import java.util.Objects;
import java.util.Set;

/**
 * Who may do what to a user (SPEC.md §5.3, §1.5), as pure functions of the actor, the target and the attributes.
 * The HTTP edge already enforces {@code x-roles}; the domain asks again so the rules hold on any entry path.
 */
public final class UserPolicy {
  /** Attributes only an admin may set. */
  public static final Set<String> RESTRICTED = Set.of("role", "status", "active", "verified", "suspended", "deleted");
  /** Attributes a user may change on their own profile. */
  public static final Set<String> SELF_EDITABLE = Set.of("full_name", "email", "password", "password_confirmation");
  /** Every attribute the update policy looks at. */
  public static final Set<String> POLICY_FIELDS = Set.of("role", "status", "active", "verified", "suspended", "deleted",
      "full_name", "email", "password", "password_confirmation");

  /** The authenticated caller: id and current role. */
  public record Actor(String id, String role) {
    boolean isAdmin() {
      return "admin".equals(role);
    }

    boolean is(String userId) {
      return id != null && Objects.equals(id, userId);
    }
  }

  private UserPolicy() {}

  /** canUpdateUser(actor, target, attrs) of SPEC §5.3. */
  public static boolean canUpdateUser(Actor actor, String targetId, Set<String> attrs) {
    if (actor.isAdmin()) return true;
    boolean restricted = attrs.stream().anyMatch(RESTRICTED::contains);
    if (actor.is(targetId)) return !restricted && attrs.stream().anyMatch(SELF_EDITABLE::contains);
    if ("support".equals(actor.role())) return !restricted;
    return false;
  }

  /** An admin may delete anyone but themselves. */
  public static boolean canDeleteUser(Actor actor, String targetId) {
    return actor.isAdmin() && !actor.is(targetId);
  }

  /** SPEC §5.3 create policy: a non-admin (or anonymous registration, actor null) may not create an admin. */
  public static boolean canCreateUser(Actor actor, String requestedRole) {
    return !"admin".equals(requestedRole) || (actor != null && actor.isAdmin());
  }

  /** GET /users/{id}: admin only, no self-access exception. */
  public static boolean canViewUser(Actor actor, String targetId) {
    return actor.isAdmin();
  }

  /** GET /users, /users/keyset, /users/stats: admin only. */
  public static boolean canListUsers(Actor actor) {
    return actor.isAdmin();
  }

  /** PUT /profile/password: any authenticated role changes its own password only. */
  public static boolean canChangePassword(Actor actor, String targetId) {
    return actor.is(targetId);
  }
}
