package com.ledger.users;

import static com.ledger.platform.errors.ErrorCode.EMAIL_ALREADY_EXISTS;

import com.ledger.platform.db.SqlStates;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.paging.KeysetCursor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * SQL of the users schema; no business rules. Follows the repository convention ({@code com.ledger.platform.db}): no
 * state, the {@link SqlClient} on every call. The user it returns is the §5.1 user object, mapped by {@link UserJson}.
 */
final class UserRepository {
  private static final String C = UserJson.COLUMNS;
  private static final String INSERT = "INSERT INTO users.users (email, full_name, role, status, password_hash) "
      + "VALUES ($1, $2, $3, 'ACTIVE', $4) RETURNING " + C;
  private static final String BY_ID = "SELECT " + C + " FROM users.users WHERE id = $1";
  private static final String CREDENTIALS = "SELECT " + C + ", password_hash FROM users.users WHERE email = $1";
  private static final String HASH_BY_ID = "SELECT password_hash FROM users.users WHERE id = $1";
  private static final String SET_HASH = "UPDATE users.users SET password_hash = $2, "
      + "updated_at = date_trunc('second', now()) WHERE id = $1";
  private static final String REHASH = "UPDATE users.users SET password_hash = $2 WHERE id = $1 AND password_hash = $3";
  private static final String UPDATE = "UPDATE users.users SET email = COALESCE($2, email), "
      + "full_name = COALESCE($3, full_name), role = COALESCE($4, role), status = COALESCE($5, status), "
      + "updated_at = date_trunc('second', now()) WHERE id = $1 RETURNING " + C;
  private static final String DELETE = "DELETE FROM users.users WHERE id = $1";
  private static final String FILTER = " WHERE ($1::varchar IS NULL OR status = $1) AND ($2::varchar IS NULL OR role = $2)";
  private static final String COUNT = "SELECT count(*) FROM users.users" + FILTER;
  private static final String PAGE = "SELECT " + C + " FROM users.users" + FILTER + " ORDER BY ";
  private static final String KEYSET = "SELECT " + C + " FROM users.users" + FILTER
      + " AND ($3::timestamptz IS NULL OR (inserted_at, id) < ($3::timestamptz, $4::uuid))"
      + " ORDER BY inserted_at DESC, id DESC LIMIT $5";
  private static final String STATS = "SELECT count(*) AS total, count(*) FILTER (WHERE status = 'ACTIVE') AS active, "
      + "count(*) FILTER (WHERE role = 'admin') AS admins FROM users.users";
  private static final String STATUS =
      "SELECT status, active, suspended, deleted, role, email FROM users.users WHERE id = $1";

  /** A user with its hash, for the credential check only (the hash stays in this context). */
  record Credentials(JsonObject user, String hash) {}

  /** One user of a keyset page, with its position (inserted_at, id) for the next cursor. */
  record Keyed(JsonObject user, Instant insertedAt, UUID id) {}

  Future<JsonObject> insert(SqlClient db, UserInput.NewUser u, String hash) {
    return db.preparedQuery(INSERT).execute(Tuple.of(u.email(), u.fullName(), u.role(), hash))
        .map(rows -> UserJson.from(rows.iterator().next()))
        .recover(UserRepository::duplicateEmail);
  }

  /** The user, or null. */
  Future<JsonObject> findById(SqlClient db, UUID id) {
    return db.preparedQuery(BY_ID).execute(Tuple.of(id)).map(UserRepository::firstUser);
  }

  /** The user and hash for a (normalised) email, or null. */
  Future<Credentials> credentials(SqlClient db, String email) {
    return db.preparedQuery(CREDENTIALS).execute(Tuple.of(email)).map(rows -> {
      if (rows.size() == 0) return null;
      Row r = rows.iterator().next();
      return new Credentials(UserJson.from(r), r.getString("password_hash"));
    });
  }

  /** The stored hash of a user, or null. */
  Future<String> hash(SqlClient db, UUID id) {
    return db.preparedQuery(HASH_BY_ID).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("password_hash"));
  }

  Future<Boolean> setHash(SqlClient db, UUID id, String hash) {
    return db.preparedQuery(SET_HASH).execute(Tuple.of(id, hash)).map(rows -> rows.rowCount() == 1);
  }

  /** Replace a hash made with weaker parameters, unless it changed meanwhile (a password change wins). */
  Future<Boolean> rehash(SqlClient db, UUID id, String oldHash, String newHash) {
    return db.preparedQuery(REHASH).execute(Tuple.of(id, newHash, oldHash)).map(rows -> rows.rowCount() == 1);
  }

  /** The updated user, or null when it does not exist. */
  Future<JsonObject> update(SqlClient db, UUID id, UserInput.Changes c) {
    return db.preparedQuery(UPDATE).execute(Tuple.of(id, c.email(), c.fullName(), c.role(), c.status()))
        .map(UserRepository::firstUser)
        .recover(UserRepository::duplicateEmail);
  }

  /** Hard delete; the foreign keys cascade. True when a row was deleted. */
  Future<Boolean> delete(SqlClient db, UUID id) {
    return db.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> rows.rowCount() == 1);
  }

  Future<Long> count(SqlClient db, String status, String role) {
    return db.preparedQuery(COUNT).execute(Tuple.of(status, role)).map(rows -> rows.iterator().next().getLong(0));
  }

  /** @param orderBy an ORDER BY clause built only from {@link ListQuery#SORT_COLUMNS} constants */
  Future<JsonArray> page(SqlClient db, String status, String role, String orderBy, int limit, long offset) {
    return db.preparedQuery(PAGE + orderBy + " LIMIT $3 OFFSET $4")
        .execute(Tuple.of(status, role, limit, offset)).map(UserRepository::users);
  }

  /** Up to {@code limit} users after {@code cursor} (null: from the newest), newest first. */
  Future<List<Keyed>> keyset(SqlClient db, String status, String role, KeysetCursor cursor, int limit) {
    return db.preparedQuery(KEYSET).execute(Tuple.of(status, role, cursor == null ? null : cursor.at(),
        cursor == null ? null : cursor.id(), limit)).map(rows -> {
          List<Keyed> out = new ArrayList<>();
          for (Row r : rows) {
            out.add(new Keyed(UserJson.from(r), UserJson.instant(r.getOffsetDateTime("inserted_at")), r.getUUID("id")));
          }
          return out;
        });
  }

  Future<JsonObject> stats(SqlClient db) {
    return db.query(STATS).execute().map(rows -> {
      Row r = rows.iterator().next();
      long total = r.getLong("total");
      long active = r.getLong("active");
      return new JsonObject().put("total_users", total).put("active_users", active)
          .put("admin_users", r.getLong("admins")).put("suspended_users", total - active);
    });
  }

  /** {@code {found, status, active, suspended, deleted, role, email}} for the HTTP edge's status check. */
  Future<JsonObject> status(SqlClient db, UUID id) {
    return db.preparedQuery(STATUS).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) return new JsonObject().put("found", false);
      Row r = rows.iterator().next();
      return new JsonObject().put("found", true).put("status", r.getString("status"))
          .put("active", r.getBoolean("active")).put("suspended", r.getBoolean("suspended"))
          .put("deleted", r.getBoolean("deleted")).put("role", r.getString("role")).put("email", r.getString("email"));
    });
  }

  static JsonArray users(RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    for (Row r : rows) out.add(UserJson.from(r));
    return out;
  }

  private static JsonObject firstUser(RowSet<Row> rows) {
    return rows.size() == 0 ? null : UserJson.from(rows.iterator().next());
  }

  /** SQLSTATE 23505 on users_email_index → 409 email_already_exists; anything else passes through. */
  private static <T> Future<T> duplicateEmail(Throwable t) {
    if (SqlStates.isUniqueViolation(t, "users_email_index")) {
      return Future.failedFuture(LedgerException.field(EMAIL_ALREADY_EXISTS, "email", "Email already exists"));
    }
    return Future.failedFuture(t);
  }
}
