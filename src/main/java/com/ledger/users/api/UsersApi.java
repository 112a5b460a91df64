package com.ledger.users.api;

import java.util.List;

/** Event-bus addresses of the users context (operationIds of openapi.yaml plus internal ones). */
public final class UsersApi {
  /** The address namespaces this context owns (ArchitectureTest: no other api package declares one of them). */
  public static final List<String> ADDRESS_PREFIXES = List.of("users.", "profile.");

  public static final String REGISTER = "users.register";
  public static final String CREATE = "users.create";
  public static final String LIST = "users.list";
  public static final String KEYSET = "users.keyset";
  public static final String STATS = "users.stats";
  public static final String GET = "users.get";
  public static final String UPDATE = "users.update";
  public static final String DELETE = "users.delete";
  public static final String PROFILE_GET = "profile.get";
  public static final String PROFILE_UPDATE = "profile.update";
  public static final String PROFILE_CHANGE_PASSWORD = "profile.change-password";

  /**
   * Internal (login): {@code {email, password}} as sent by the client. Field rules fail with their reason (400 / 401);
   * otherwise always exactly one Argon2 verification (a dummy one for an unknown email), then
   * {@code {outcome: "ok", user}} | {@code {outcome: "invalid"}} | {@code {outcome: "inactive", user_id}}.
   * The password hash never leaves the users context.
   */
  public static final String VERIFY_CREDENTIALS = "users.verify-credentials";
  /** Internal: {@code {user_id}} → {@code {found, user?}} (the §5.1 user object). */
  public static final String FIND = "users.find";

  /** Internal: {@code {user_id}} → {@code {found, status, active, suspended, deleted, role, email}}. */
  public static final String STATUS = "users.status";
  /**
   * Published (cluster-wide) after any change of a user commits (profile or admin update, password change, delete):
   * {@code {user_id}}; every node's user cache drops the user.
   */
  public static final String STATUS_CHANGED = "users.events.status-changed";

  private UsersApi() {}
}
