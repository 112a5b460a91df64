package com.ledger.payments;

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
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Idempotency-Key (SPEC.md §6.9) around a mutating operation, which gets the {@link SqlClient} to run on.
 * <ul>
 *   <li>no key: the operation runs on the pool, nothing recorded (a one-statement operation such as processing a
 *       payment then needs no BEGIN/COMMIT round trips; it commits on its own);</li>
 *   <li>a new key: recorded {@code in_progress}; the operation runs; its response (status, Content-Type, the
 *       rendered envelope or problem body) is stored — for a success in the same transaction as the operation's
 *       writes, so an effect and its recorded response commit together or not at all; a 5xx releases the key, except a
 *       COMMIT whose outcome is unknown (503, the key kept); the claim is a short lease renewed while the request
 *       runs, so a key whose owner died is free again within seconds;</li>
 *   <li>the same key again: same fingerprint → the stored response verbatim with {@code Idempotent-Replayed: true};
 *       another fingerprint → 422 {@code idempotency_key_reused}; still in progress → 409
 *       {@code idempotency_key_in_use}.</li>
 * </ul>
 */
final class Idempotency {
  static final String HEADER = "idempotency-key";
  private static final Pattern VALID = Pattern.compile("^[\\x21-\\x7E]{1,255}$");
  private static final String JSON = "application/json";

  private final io.vertx.core.Vertx vertx;
  private final Pool pool;
  private final PaymentsConfig cfg;

  Idempotency(io.vertx.core.Vertx vertx, Pool pool, PaymentsConfig cfg) {
    this.vertx = vertx;
    this.pool = pool;
    this.cfg = cfg;
  }

  /** A rendered response: what the client got, and what a replay returns. */
  record Rendered(int status, String contentType, String body) {
    ApiReply reply() {
      return ApiReply.verbatim(status, body, new JsonObject().put("Content-Type", contentType));
    }
  }

  Future<ApiReply> run(ApiRequest req, UUID userId, Function<SqlClient, Future<ApiReply>> op) {
    String key = req.header(HEADER);
    if (key == null) return safely(op, pool);
    if (!VALID.matcher(key).matches()) {
      return LedgerException.fail(ErrorCode.INVALID_IDEMPOTENCY_KEY,
          "Idempotency-Key must be 1 to 255 visible ASCII characters");
    }
    String fp = Fingerprint.of(req.method(), req.uri(), req.body());
    return claim(userId, key, fp).compose(token -> token == null
        ? existing(userId, key, fp)
        : execute(req, userId, key, token, op));
  }

  /** The claim token, or null when a live record holds the key. */
  private Future<OffsetDateTime> claim(UUID userId, String key, String fp) {
    return IdempotencyRepository.claim(pool, userId, key, fp, cfg.idempotencyTtlHours(), cfg.idempotencyStaleSeconds())
        .map(t -> t.orElse(null));
  }

  private Future<ApiReply> existing(UUID userId, String key, String fp) {
    return IdempotencyRepository.find(pool, userId, key).compose(found -> {
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
        long wait = s.leaseLeftMs() == null ? 1000 : Math.max(1000, Math.min(s.leaseLeftMs(), 1000L * cfg.idempotencyStaleSeconds()));
        return Future.failedFuture(new LedgerException(ErrorCode.IDEMPOTENCY_KEY_IN_USE,
            "A request with this Idempotency-Key is still in progress", new JsonObject().put("retry_after_ms", wait)));
      }
      return Future.succeededFuture(new Rendered(s.status(), s.contentType(), s.body()).reply()
          .withHeader("Idempotent-Replayed", "true"));
    });
  }

  private Future<ApiReply> execute(ApiRequest req, UUID userId, String key, OffsetDateTime token,
      Function<SqlClient, Future<ApiReply>> op) {
    String cid = req.correlationId();
    // the claim's lease is renewed while the request runs, so only a dead owner lets it lapse
    int lease = cfg.idempotencyStaleSeconds();
    long heartbeat = vertx.setPeriodic(Math.max(500, lease * 1000L / 3),
        id -> IdempotencyRepository.renew(pool, userId, key, token, lease));
    Future<Rendered> done = inTransaction(tx -> safely(op, tx).compose(reply -> {
      Rendered r = success(reply, cid);
      return IdempotencyRepository.complete(tx, userId, key, token, r.status(), r.contentType(), r.body())
          .compose(ok -> ok ? Future.succeededFuture(r) : LedgerException.<Rendered>fail(ErrorCode.IDEMPOTENCY_KEY_IN_USE,
              "This Idempotency-Key was taken over by another request"));
    }));
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
        return IdempotencyRepository.release(pool, userId, key, token).transform(x -> Future.failedFuture(err));
      }
      Rendered r = problem(le, cid);
      return IdempotencyRepository.complete(pool, userId, key, token, r.status(), r.contentType(), r.body())
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
