package com.ledger.users.api;

import io.vertx.core.json.JsonObject;

/** How every context reads a user's standing from the users context's answers ({@link UsersApi#FIND}, login). */
public final class UserStatus {
  private UserStatus() {}

  /** SPEC.md §4.3: status ACTIVE and active and not suspended and not deleted. */
  public static boolean isActive(JsonObject user) {
    return "ACTIVE".equals(user.getString("status")) && Boolean.TRUE.equals(user.getBoolean("active"))
        && !Boolean.TRUE.equals(user.getBoolean("suspended")) && !Boolean.TRUE.equals(user.getBoolean("deleted"));
  }
}
