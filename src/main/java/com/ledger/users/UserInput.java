package com.ledger.users;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * SPEC.md §2.1 / §4.6 field rules as pure functions: each returns the normalised value or throws a
 * {@link LedgerException} with the field's reason and {@code details.field}. Validation is sequential, so callers
 * check fields in the route's order and the first failure wins.
 */
public final class UserInput {
  public static final int MAX_LENGTH = 255;
  public static final Set<String> ROLES = Set.of("user", "admin", "support");
  public static final Set<String> STATUSES = Set.of("ACTIVE", "SUSPENDED", "DELETED");
  private static final Pattern EMAIL = Pattern.compile("^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$");

  /** Role minimum password lengths (config {@code auth.*_password_min_length}). */
  public record PasswordRules(int user, int admin, int support) {
    public static final PasswordRules DEFAULT = new PasswordRules(8, 15, 15);

    public int minFor(String role) {
      return switch (role == null ? "user" : role) {
        case "admin" -> admin;
        case "support" -> support;
        default -> user;
      };
    }
  }

  /** A validated registration or admin creation. */
  public record NewUser(String email, String fullName, String role, String password) {}

  /** A validated partial update; null = not sent. */
  public record Changes(String email, String fullName, String role, String status) {
    public boolean isEmpty() {
      return email == null && fullName == null && role == null && status == null;
    }
  }

  /** A validated password change. */
  public record PasswordChange(String current, String next) {}

  private UserInput() {}

  // ------------------------------------------------------------------ single fields

  /** email: absent/blank → missing_fields; not a string, NUL/control, regex on the raw value, > 255 → format. */
  public static String email(Object raw) {
    if (raw == null) throw missing("email");
    if (!(raw instanceof String s)) throw format(INVALID_EMAIL_FORMAT, "email", "Email must be a string");
    if (s.isBlank()) throw missing("email");
    if (hasControl(s)) throw format(INVALID_EMAIL_FORMAT, "email", "Email contains control characters");
    if (length(s) > MAX_LENGTH) throw format(INVALID_EMAIL_FORMAT, "email", "Email must be at most 255 characters");
    if (!EMAIL.matcher(s).matches()) throw format(INVALID_EMAIL_FORMAT, "email", "Email format is invalid");
    return s.trim().toLowerCase(Locale.ROOT);
  }

  /** full_name: absent/blank → missing_fields; not a string, NUL/control, > 255 → invalid_name_format; trimmed. */
  public static String fullName(Object raw) {
    if (raw == null) throw missing("full_name");
    if (!(raw instanceof String s)) throw format(INVALID_NAME_FORMAT, "full_name", "Full name must be a string");
    if (s.isBlank()) throw missing("full_name");
    if (hasControl(s)) throw format(INVALID_NAME_FORMAT, "full_name", "Full name contains control characters");
    if (length(s) > MAX_LENGTH) throw format(INVALID_NAME_FORMAT, "full_name", "Full name must be at most 255 characters");
    return s.trim();
  }

  /** role: a string in {user, admin, support}, exact; anything else → invalid_role. */
  public static String role(Object raw) {
    if (raw instanceof String s && ROLES.contains(s)) return s;
    throw format(INVALID_ROLE, "role", "Role must be one of user, admin, support");
  }

  /** status: a string in {ACTIVE, SUSPENDED, DELETED}, exact; anything else → invalid_status. */
  public static String status(Object raw) {
    if (raw instanceof String s && STATUSES.contains(s)) return s;
    throw format(INVALID_STATUS, "status", "Status must be one of ACTIVE, SUSPENDED, DELETED");
  }

  /** A password-type value that must be present: absent, "", non-string → 401 invalid_credentials. Never trimmed. */
  public static String present(Object raw, String field) {
    if (!(raw instanceof String s) || s.isEmpty()) {
      throw new LedgerException(INVALID_CREDENTIALS, "A non-empty " + field + " is required",
          new JsonObject().put("field", field).put("message", field + " is required"));
    }
    if (s.indexOf('\0') >= 0) throw format(INVALID_PASSWORD_FORMAT, field, "Password contains a NUL character");
    return s;
  }

  /** A new password: present (401), then min..255 code points (400 invalid_password_format). */
  public static String newPassword(Object raw, String field, int min) {
    String s = present(raw, field);
    int n = length(s);
    if (n < min) throw format(INVALID_PASSWORD_FORMAT, field, "Password must be at least " + min + " characters");
    if (n > MAX_LENGTH) throw format(INVALID_PASSWORD_FORMAT, field, "Password must be at most 255 characters");
    return s;
  }

  /** password_confirmation: present (401), then equal to the password (400 invalid_password_format). */
  public static void confirmation(Object raw, String password) {
    String c = present(raw, "password_confirmation");
    if (!c.equals(password)) {
      throw format(INVALID_PASSWORD_FORMAT, "password_confirmation", "Password confirmation does not match");
    }
  }

  // ------------------------------------------------------------------ whole bodies, in each route's field order

  /** POST /users: email, full_name, password (user minimum), confirmation, match. Any role is ignored. */
  public static NewUser registration(JsonObject body, PasswordRules rules) {
    String email = email(body.getValue("email"));
    String name = fullName(body.getValue("full_name"));
    String password = newPassword(body.getValue("password"), "password", rules.minFor("user"));
    confirmation(body.getValue("password_confirmation"), password);
    return new NewUser(email, name, "user", password);
  }

  /** POST /users/admin: email, full_name, role (default user), password (role minimum), confirmation, match. */
  public static NewUser adminCreation(JsonObject body, PasswordRules rules) {
    String email = email(body.getValue("email"));
    String name = fullName(body.getValue("full_name"));
    Object rawRole = body.getValue("role");
    String role = rawRole == null ? "user" : role(rawRole);
    String password = newPassword(body.getValue("password"), "password", rules.minFor(role));
    confirmation(body.getValue("password_confirmation"), password);
    return new NewUser(email, name, role, password);
  }

  /** PUT /users/{id}, PUT /profile: optional email, full_name, role, status (null = absent); at least one. */
  public static Changes changes(JsonObject body) {
    String email = body.getValue("email") == null ? null : email(body.getValue("email"));
    String name = body.getValue("full_name") == null ? null : fullName(body.getValue("full_name"));
    String role = body.getValue("role") == null ? null : role(body.getValue("role"));
    String status = body.getValue("status") == null ? null : status(body.getValue("status"));
    Changes c = new Changes(email, name, role, status);
    if (c.isEmpty()) {
      throw new LedgerException(MISSING_FIELDS, "At least one field must be provided for update",
          new JsonObject().put("message", "At least one field must be provided for update"));
    }
    return c;
  }

  /** The attribute names a body carries (non-null), as the update policy sees them. */
  public static Set<String> attributes(JsonObject body) {
    java.util.Set<String> attrs = new java.util.HashSet<>();
    for (String f : UserPolicy.POLICY_FIELDS) {
      if (body.getValue(f) != null) attrs.add(f);
    }
    return attrs;
  }

  /** PUT /profile/password, SPEC §2.4 order (the current password is verified later, against the hash). */
  public static PasswordChange passwordChange(JsonObject body, int min) {
    String current = present(body.getValue("current_password"), "current_password");
    String next = newPassword(body.getValue("new_password"), "new_password", min);
    confirmation(body.getValue("password_confirmation"), next);
    if (next.equals(current)) {
      throw format(INVALID_PASSWORD_FORMAT, "new_password", "The new password must differ from the current one");
    }
    return new PasswordChange(current, next);
  }

  /** POST /auth/login: the email rule (400), then a present password (401); no length rule at login. */
  public static String[] login(JsonObject body) {
    String email = email(body.getValue("email"));
    String password = present(body.getValue("password"), "password");
    return new String[] {email, password};
  }

  // ------------------------------------------------------------------ helpers

  static int length(String s) {
    return s.codePointCount(0, s.length());
  }

  static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) return true;
    }
    return false;
  }

  private static LedgerException missing(String field) {
    return LedgerException.field(MISSING_FIELDS, field, field + " is required");
  }

  private static LedgerException format(ErrorCode code, String field, String message) {
    return LedgerException.field(code, field, message);
  }
}
