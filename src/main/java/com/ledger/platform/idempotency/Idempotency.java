package com.ledger.platform.idempotency;

import com.ledger.platform.errors.ProblemBody;
import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Envelope;
import com.ledger.platform.bus.Replies;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.db.DbFailures;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Idempotency-Key (SPEC.md §6.9) around a mutating operation of any context, which gets the {@link SqlClient} to
 * run on. One mechanism and one key space per user for every keyed operation (payments.create, .process,
 * .process-async, .cancel; banksync.logins-create, .sync-login): the records live in {@code payments.idempotency_keys}
 * (created by the payments slice's migrations) and, like {@code jobs.jobs}, are written only through this platform
 * class, inside the transaction of the context whose operation they guard. The fingerprint is the operation as sent
 * — method + concrete path (route and path parameters) + canonical body — so a key reused on another operation is
 * 422 {@code idempotency_key_reused}, never the other operation's response replayed.
 * <ul>
 *   <li>no key: the operation runs on the pool, nothing recorded (a one-statement operation such as processing a
 *       payment then needs no BEGIN/COMMIT round trips; it commits on its own), or in a transaction of its own
 *       ({@link #runInTransaction});</li>
 *   <li>a new key: recorded {@code in_progress}; the operation runs; its response (status, Content-Type, the
 *       rendered envelope or problem body) is stored — for a success in the same transaction as the operation's
 *       writes, so an effect and its recorded response commit together or not at all; a 5xx releases the key, except a
 *       COMMIT whose outcome is unknown (503, the key kept); the claim is a short lease renewed while the request
 *       runs, so a key whose owner died is free again within seconds;</li>
 *   <li>the same key again: same fingerprint → the stored response verbatim with {@code Idempotent-Replayed: true};
 *       another fingerprint → 422 {@code idempotency_key_reused}; still in progress → 409
 *       {@code idempotency_key_in_use} (with the lease left as {@code details.retry_after_ms}, sent as
 *       {@code Retry-After}).</li>
 * </ul>
 * An operation that must call a remote service before its writes (creating a bank login) passes that step as
 * {@code before} to {@link #run(ApiRequest, UUID, Supplier, BiFunction)}: it runs under the claimed key but
 * outside the transaction, so no database connection is held across the remote call.
 */
public final class Idempotency {
  static final String HEADER = "idempotency-key";
  private static final Pattern VALID = Pattern.compile("^[\\x21-\\x7E]{1,255}$");
  private static final String JSON = "application/json";

  private final io.vertx.core.Vertx vertx;
  private final Pool pool;
  private final IdempotencyRepository keys = new IdempotencyRepository();
  private final Settings cfg;
  private final UnaryOperator<String> digest;

  /**
   * @param ttlHours how long a key is remembered (SPEC.md §6.9: 24 h)
   * @param leaseSeconds the lease of an {@code in_progress} key: its request renews it every third of this while it
   *                     runs, so a key not renewed for this long (its owner died) may be claimed again
   */
  public record Settings(int ttlHours, int leaseSeconds) {}  // payments.idempotency_{ttl_hours,stale_seconds}

  public Idempotency(io.vertx.core.Vertx vertx, Pool pool, Settings cfg) {
    this(vertx, pool, cfg, Fingerprint::sha256);
  }

  /**
   * @param digest turns the fingerprint's text into the stored 64-hex fingerprint: SHA-256 by default; a keyed MAC
   *               (e.g. {@code TokenCipher::mac}) for operations whose body holds a secret (a bank password), so
   *               the stored fingerprint cannot be brute-forced offline
   */
  public Idempotency(io.vertx.core.Vertx vertx, Pool pool, Settings cfg, UnaryOperator<String> digest) {
    this.vertx = vertx;
    this.pool = pool;
    this.cfg = cfg;
    this.digest = digest;
  }

  /** A rendered response: what the client got, and what a replay returns. */
  record Rendered(int status, String contentType, String body) {
    ApiReply reply() {
      return ApiReply.verbatim(status, body, new JsonObject().put("Content-Type", contentType));
    }
  }

  /** Without a key the operation runs on the pool (autocommit per statement). */
  public Future<ApiReply> run(ApiRequest req, UUID userId, Function<SqlClient, Future<ApiReply>> op) {
    return run(req, userId, () -> Future.succeededFuture(null), (db, x) -> op.apply(db), false);
  }

  /** Without a key the operation runs in a transaction of its own (it locks a row, or writes several). */
  public Future<ApiReply> runInTransaction(ApiRequest req, UUID userId, Function<SqlClient, Future<ApiReply>> op) {
    return run(req, userId, () -> Future.succeededFuture(null), (db, x) -> op.apply(db), true);
  }

  /**
   * {@code before} (checks, a remote call) runs first, outside any transaction; then {@code op} with its result, in
   * the key's transaction (without a key: on the pool). Both run under the claimed key.
   */
  public <T> Future<ApiReply> run(ApiRequest req, UUID userId, Supplier<Future<T>> before,
      BiFunction<SqlClient, T, Future<ApiReply>> op) {
    return run(req, userId, before, op, false);
  }

  private <T> Future<ApiReply> run(ApiRequest req, UUID userId, Supplier<Future<T>> before,
      BiFunction<SqlClient, T, Future<ApiReply>> op, boolean ownTransaction) {
    String key = req.header(HEADER);
    if (key == null) {
      return safely(before).compose(t -> ownTransaction ? pool.withTransaction(tx -> safely(db -> op.apply(db, t), tx))
          : safely(db -> op.apply(db, t), pool));
    }
    if (!VALID.matcher(key).matches()) {
      return LedgerException.fail(ErrorCode.INVALID_IDEMPOTENCY_KEY,
          "Idempotency-Key must be 1 to 255 visible ASCII characters");
    }
    String fp = digest.apply(Fingerprint.text(req.method(), req.uri(), req.body()));
    return claim(userId, key, fp).compose(token -> token == null
        ? existing(userId, key, fp)
        : execute(req, userId, key, token, before, op));
  }

  /** Delete the records past their retention; returns how many. */
  public Future<Integer> purgeExpired() {
    return keys.purgeExpired(pool);
  }

  /** The claim token, or null when a live record holds the key. */
  private Future<OffsetDateTime> claim(UUID userId, String key, String fp) {
    return keys.claim(pool, userId, key, fp, cfg.ttlHours(), cfg.leaseSeconds())
        .map(t -> t.orElse(null));
  }

  private Future<ApiReply> existing(UUID userId, String key, String fp) {
    return keys.find(pool, userId, key).compose(found -> {
      if (found.isEmpty()) {
        // released between our claim and this read (the first request failed with a 5xx): it is free again
        return Future.failedFuture(new LedgerException(ErrorCode.IDEMPOTENCY_KEY_IN_USE,
            "A request with this Idempotency-Key just ended; retry", new JsonObject().put("retry_after_ms", 1000)));
      }
      IdempotencyRepository.Stored s = found.get();
      if (!s.fingerprint().equals(fp)) {
        return LedgerException.fail(ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This Idempotency-Key was used with a different request");
      }
      if (!"completed".equals(s.state())) {
        // a live owner renews its lease and usually ends within a second; a dead one frees the key when it expires
        long wait = s.leaseLeftMs() == null ? 1000 : Math.max(1000, Math.min(s.leaseLeftMs(), 1000L * cfg.leaseSeconds()));
        return Future.failedFuture(new LedgerException(ErrorCode.IDEMPOTENCY_KEY_IN_USE,
            "A request with this Idempotency-Key is still in progress", new JsonObject().put("retry_after_ms", wait)));
      }
      return Future.succeededFuture(new Rendered(s.status(), s.contentType(), s.body()).reply()
          .withHeader("Idempotent-Replayed", "true"));
    });
  }

  private <T> Future<ApiReply> execute(ApiRequest req, UUID userId, String key, OffsetDateTime token,
      Supplier<Future<T>> before, BiFunction<SqlClient, T, Future<ApiReply>> op) {
    String cid = req.correlationId();
    // the claim's lease is renewed while the request runs, so only a dead owner lets it lapse
    int lease = cfg.leaseSeconds();
    long heartbeat = vertx.setPeriodic(Math.max(500, lease * 1000L / 3),
        id -> keys.renew(pool, userId, key, token, lease));
    Future<Rendered> done = safely(before).compose(t -> inTransaction(tx -> safely(db -> op.apply(db, t), tx).compose(reply -> {
      Rendered r = success(reply, cid);
      return keys.complete(tx, userId, key, token, r.status(), r.contentType(), r.body())
          .compose(ok -> ok ? Future.succeededFuture(r) : LedgerException.<Rendered>fail(ErrorCode.IDEMPOTENCY_KEY_IN_USE,
              "This Idempotency-Key was taken over by another request"));
    })));
    return done.map(Rendered::reply).recover(err -> {
      vertx.cancelTimer(heartbeat);
      if (err instanceof CommitUnknown cu) {
        // the effect and its recorded response commit together: either the key is completed (a keyed retry
        // replays it) or the claim lapses with its lease (a keyed retry runs it once). Releasing it could pay twice.
        return Future.failedFuture(new LedgerException(ErrorCode.SERVICE_UNAVAILABLE,
            "The outcome of this request is unknown (the database connection was lost while committing); "
                + "retry with the same Idempotency-Key", new JsonObject().put("idempotency_key_kept", true)));
      }
      LedgerException le = Replies.toLedger(err);
      if (le.code.status >= 500) {
        return keys.release(pool, userId, key, token).transform(x -> Future.failedFuture(err));
      }
      Rendered r = problem(le, cid);
      return keys.complete(pool, userId, key, token, r.status(), r.contentType(), r.body())
          .transform(x -> Future.succeededFuture(r.reply()));
    }).onSuccess(x -> vertx.cancelTimer(heartbeat));
  }

  /** A COMMIT that failed without the server saying it rolled back: the writes may or may not be durable. */
  static final class CommitUnknown extends RuntimeException {
    CommitUnknown(Throwable cause) {
      super("commit outcome unknown", cause, false, false);
    }
  }

  /** {@code Pool.withTransaction}, except that a COMMIT whose outcome is unknown fails with {@link CommitUnknown}. */
  private <T> Future<T> inTransaction(Function<SqlClient, Future<T>> body) {
    return pool.getConnection().compose(conn -> conn.begin().compose(tx -> {
      Future<T> result;
      try {
        result = body.apply(conn);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      return result.compose(
          value -> tx.commit().transform(ar -> ar.succeeded() ? Future.succeededFuture(value)
              : Future.failedFuture(DbFailures.outcomeUnknown(ar.cause()) ? new CommitUnknown(ar.cause()) : ar.cause())),
          err -> tx.rollback().transform(x -> Future.<T>failedFuture(err)));
    }).eventually(conn::close));
  }

  /** A step that throws instead of failing its future fails the request the same way. */
  private static <T> Future<T> safely(Supplier<Future<T>> step) {
    try {
      return step.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** An operation that throws instead of failing its future still rolls back. */
  private static Future<ApiReply> safely(Function<SqlClient, Future<ApiReply>> op, SqlClient db) {
    try {
      return op.apply(db);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  static Rendered success(ApiReply reply, String cid) {
    if (reply.body() != null) {
      return new Rendered(reply.status(), reply.headers().getString("Content-Type", JSON), reply.body());
    }
    return new Rendered(reply.status(), JSON, Envelope.of(reply.data(), reply.metadata(), cid, Instant.now()).encode());
  }

  static Rendered problem(LedgerException le, String cid) {
    return new Rendered(le.code.status, ProblemBody.CONTENT_TYPE,
        ProblemBody.of(le.code, le.getMessage(), le.details, cid, Instant.now()).encode());
  }
}
