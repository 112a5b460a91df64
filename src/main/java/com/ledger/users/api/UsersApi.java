package com.ledger.users.api;

/** Event-bus addresses of the users context (operationIds of openapi.yaml plus internal ones). */
public final class UsersApi {
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

  /** Internal: {@code {user_id}} → {@code {found, status, active, suspended, deleted, role, email}}. */
  public static final String STATUS = "users.status";
  /** Published (cluster-wide) when a user's status or role changes or the user is deleted: {@code {user_id}}. */
  public static final String STATUS_CHANGED = "users.events.status-changed";

  private UsersApi() {}
}
