package com.ledger.users;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.paging.KeysetCursor;
import com.ledger.platform.paging.Paging;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.UUID;

/** Registration and the admin user routes (SPEC.md §2.3). */
final class UserAdminService {
  private final Pool pool;
  private final UserRepository repo;
  private final Hashing hashing;
  private final UserEvents events;
  private final UserInput.PasswordRules rules;

  UserAdminService(Pool pool, UserRepository repo, Hashing hashing, UserEvents events, UserInput.PasswordRules rules) {
    this.pool = pool;
    this.repo = repo;
    this.hashing = hashing;
    this.events = events;
    this.rules = rules;
  }

  /** POST /users (public): role forced to user whatever the body says. */
  Future<ApiReply> register(ApiRequest req) {
    UserInput.NewUser u = UserInput.registration(req.body(), rules);
    if (!UserPolicy.canCreateUser(null, u.role())) throw LedgerException.of(INSUFFICIENT_PERMISSIONS);
    return hashing.hash(u.password()).compose(h -> repo.insert(pool, u, h))
        .map(user -> ApiReply.of(201, user, new JsonObject()));
  }

  /** POST /users/admin. */
  Future<ApiReply> create(ApiRequest req) {
    UserPolicy.Actor actor = actor(req);
    UserInput.NewUser u = UserInput.adminCreation(req.body(), rules);
    if (!UserPolicy.canCreateUser(actor, u.role())) {
      throw new LedgerException(INSUFFICIENT_PERMISSIONS, "Only an admin may create an admin");
    }
    return hashing.hash(u.password()).compose(h -> repo.insert(pool, u, h))
        .compose(user -> events.audit(req, "user_created", user.getString("id"),
            new JsonObject().put("role", user.getString("role"))).map(user))
        .map(user -> ApiReply.of(201, user, new JsonObject()));
  }

  /** GET /users: exact filters, whitelisted sort, offset pagination; total_count counts the filtered rows. */
  Future<ApiReply> list(ApiRequest req) {
    requireList(req);
    int page = Paging.page(req.queryParam("page"));
    int size = Paging.pageSize(req.queryParam("page_size"));
    String status = req.queryParam("status");
    String role = req.queryParam("role");
    String order = ListQuery.orderBy(req.queryParam("sort"));
    return Future.all(repo.page(pool, status, role, order, size, Paging.offset(page, size)),
            repo.count(pool, status, role))
        .map(all -> {
          JsonArray users = all.resultAt(0);
          long total = all.<Long>resultAt(1);
          JsonObject pagination = new JsonObject().put("page", page).put("page_size", size).put("total_count", total)
              .put("total_pages", Paging.totalPages(total, size));
          return ApiReply.ok(users, new JsonObject().put("pagination", pagination));
        });
  }

  /** GET /users/keyset: (inserted_at desc, id desc), exact has_more by fetching limit + 1. */
  Future<ApiReply> keyset(ApiRequest req) {
    requireList(req);
    int limit = Paging.pageSize(req.queryParam("limit"));
    KeysetCursor cursor = ListQuery.cursor(req.queryParam("cursor"));
    return repo.keyset(pool, req.queryParam("status"), req.queryParam("role"), cursor, limit + 1).map(rows -> {
      JsonArray users = new JsonArray();
      UserRepository.Keyed last = null;
      for (UserRepository.Keyed k : rows) {
        if (users.size() == limit) break;
        users.add(k.user());
        last = k;
      }
      boolean hasMore = rows.size() > limit;
      Object next = hasMore && last != null ? ListQuery.cursorJson(last.insertedAt(), last.id().toString()) : null;
      JsonObject pagination = new JsonObject().put("type", "keyset").put("limit", limit).put("has_more", hasMore)
          .put("next_cursor", next);
      return ApiReply.ok(users, new JsonObject().put("pagination", pagination));
    });
  }

  /** GET /users/stats. */
  Future<ApiReply> stats(ApiRequest req) {
    requireList(req);
    return repo.stats(pool).map(ApiReply::ok);
  }

  /** GET /users/{id}: admin only, 404 user_not_found. */
  Future<ApiReply> get(ApiRequest req) {
    UUID id = req.pathId();
    if (!UserPolicy.canViewUser(actor(req), id.toString())) throw LedgerException.of(INSUFFICIENT_PERMISSIONS);
    return repo.findById(pool, id).map(u -> {
      if (u == null) throw LedgerException.of(USER_NOT_FOUND);
      return ApiReply.ok(u);
    });
  }

  /** PUT /users/{id}. */
  Future<ApiReply> update(ApiRequest req) {
    return update(req, req.pathId());
  }

  /**
   * Shared by PUT /users/{id} and PUT /profile. Order: target exists (404) → body rules (400) → policy (403) →
   * email unique (409). Every successful update is published (status, role or email may be cached at the edge).
   */
  Future<ApiReply> update(ApiRequest req, UUID id) {
    UserPolicy.Actor actor = actor(req);
    return repo.findById(pool, id).compose(before -> {
      if (before == null) throw LedgerException.of(USER_NOT_FOUND);
      UserInput.Changes changes = UserInput.changes(req.body());
      if (!UserPolicy.canUpdateUser(actor, id.toString(), UserInput.attributes(req.body()))) {
        throw new LedgerException(INSUFFICIENT_PERMISSIONS, "You may not change these attributes of this user");
      }
      return repo.update(pool, id, changes).compose(after -> {
        if (after == null) throw LedgerException.of(USER_NOT_FOUND);
        events.statusChanged(id.toString());
        return auditChanges(req, before, after).map(ApiReply.ok(after));
      });
    });
  }

  private Future<Void> auditChanges(ApiRequest req, JsonObject before, JsonObject after) {
    String id = after.getString("id");
    Future<Void> role = Future.succeededFuture();
    Future<Void> status = Future.succeededFuture();
    if (!before.getString("role").equals(after.getString("role"))) {
      role = events.audit(req, "role_changed", id, new JsonObject().put("from", before.getString("role"))
          .put("to", after.getString("role")));
    }
    if (!before.getString("status").equals(after.getString("status"))) {
      status = events.audit(req, "status_changed", id, new JsonObject().put("from", before.getString("status"))
          .put("to", after.getString("status")));
    }
    return Future.all(role, status).mapEmpty();
  }

  /** DELETE /users/{id}: 404, self → 403, hard delete with cascades. */
  Future<ApiReply> delete(ApiRequest req) {
    UUID id = req.pathId();
    UserPolicy.Actor actor = actor(req);
    return repo.findById(pool, id).compose(target -> {
      if (target == null) throw LedgerException.of(USER_NOT_FOUND);
      if (!UserPolicy.canDeleteUser(actor, id.toString())) {
        throw new LedgerException(INSUFFICIENT_PERMISSIONS, "You cannot delete your own account");
      }
      return repo.delete(pool, id).compose(deleted -> {
        if (!deleted) throw LedgerException.of(USER_NOT_FOUND);
        events.statusChanged(id.toString());
        return events.audit(req, "user_deleted", id.toString(), new JsonObject().put("email", target.getString("email"))
            .put("role", target.getString("role")));
      }).map(x -> ApiReply.ok(new JsonObject().put("message", "User deleted successfully")));
    });
  }

  private void requireList(ApiRequest req) {
    if (!UserPolicy.canListUsers(actor(req))) throw LedgerException.of(INSUFFICIENT_PERMISSIONS);
  }

  static UserPolicy.Actor actor(ApiRequest req) {
    Caller c = req.caller().orElseThrow(() -> new LedgerException(INVALID_TOKEN, "Authentication required"));
    return new UserPolicy.Actor(c.userId(), c.role());
  }
}
