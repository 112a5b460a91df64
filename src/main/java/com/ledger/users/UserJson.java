package com.ledger.users;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/** The user object of SPEC.md §5.1 (never the password hash); timestamps RFC 3339, whole seconds, Z. */
final class UserJson {
  /** The columns of the public user object; password_hash is deliberately absent. */
  static final String COLUMNS =
      "id, email, full_name, status, role, active, verified, suspended, deleted, inserted_at, updated_at";

  private UserJson() {}

  static JsonObject from(Row r) {
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("email", r.getString("email"))
        .put("full_name", r.getString("full_name"))
        .put("status", r.getString("status"))
        .put("role", r.getString("role"))
        .put("active", bool(r.getBoolean("active")))
        .put("verified", bool(r.getBoolean("verified")))
        .put("suspended", bool(r.getBoolean("suspended")))
        .put("deleted", bool(r.getBoolean("deleted")))
        .put("inserted_at", timestamp(r.getOffsetDateTime("inserted_at")))
        .put("updated_at", timestamp(r.getOffsetDateTime("updated_at")));
  }

  static String timestamp(OffsetDateTime t) {
    return t == null ? null : instant(t).toString();
  }

  static Instant instant(OffsetDateTime t) {
    return t.toInstant().truncatedTo(ChronoUnit.SECONDS);
  }

  private static boolean bool(Boolean b) {
    return Boolean.TRUE.equals(b);
  }
}
