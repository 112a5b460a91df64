package com.ledger.platform.bus;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only place that answers a bus message: success → reply, {@link LedgerException} → {@code fail(code, json)},
 * anything else → logged once and failed as internal_server_error. A failure's message is a small JSON object
 * {@code {detail, details}} so field names and reason-specific numbers cross the cluster.
 */
public final class Replies {
  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

  private Replies() {}

  public static <T> void of(Message<?> m, Future<T> result, Function<T, Object> json) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        try {
          m.reply(json.apply(ar.result()));
        } catch (RuntimeException e) {
          fail(m, e);
        }
      } else {
        fail(m, ar.cause());
      }
    });
  }

  /**
   * Serve an API operation. An {@link ApiRequest} (the edge, see {@link BusCodecs}) is answered with the handler's
   * {@link ApiReply} itself; a request sent as its JSON form is answered in JSON form too.
   */
  public static void api(Message<?> m, Function<ApiRequest, Future<ApiReply>> handler) {
    Future<ApiReply> result;
    try {
      result = handler.apply(BusCodecs.request(m.body()));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    boolean asJson = !(m.body() instanceof ApiRequest);
    of(m, result, reply -> asJson ? reply.toJson() : reply);
  }

  public static void fail(Message<?> m, Throwable err) {
    LedgerException le = failure(m.address(), m.headers().get(Bus.CORRELATION_HEADER), err);
    m.fail(le.code.failureCode, encode(le));
  }

  /**
   * The catalog failure an API handler's {@code err} is answered with ({@link #toLedger}), logged as {@link #fail} logs
   * it (an unexpected failure once, a transient database failure as a warning).
   */
  public static LedgerException failure(String address, String correlationId, Throwable err) {
    LedgerException le = toLedger(err);
    if (le.code == ErrorCode.INTERNAL_SERVER_ERROR && !(err instanceof LedgerException)) {
      LOG.atError().addKeyValue("address", address).addKeyValue("cid", correlationId)
          .setCause(err).log("unexpected failure");
    }
    if (le.code == ErrorCode.SERVICE_UNAVAILABLE && com.ledger.platform.db.DbFailures.isTransient(err)) {
      LOG.atWarn().addKeyValue("address", address).addKeyValue("cid", correlationId)
          .addKeyValue("cause", String.valueOf(err)).log("database unavailable; answered 503");
    }
    return le;
  }

  /** Map any throwable to a catalog failure; unknown ones become internal_server_error without detail. */
  public static LedgerException toLedger(Throwable err) {
    if (err instanceof LedgerException le) return le;
    if (err instanceof ReplyException re) return decode(re);
    if (com.ledger.platform.db.DbFailures.isTransient(err)) {
      return new LedgerException(ErrorCode.SERVICE_UNAVAILABLE, "The database is temporarily unavailable; retry");
    }
    if (err instanceof io.vertx.pgclient.PgException) {
      return new LedgerException(ErrorCode.DATABASE_ERROR, ErrorCode.DATABASE_ERROR.title);
    }
    return new LedgerException(ErrorCode.INTERNAL_SERVER_ERROR, ErrorCode.INTERNAL_SERVER_ERROR.title);
  }

  public static String encode(LedgerException le) {
    return new JsonObject().put("detail", le.getMessage()).put("details", le.details).encode();
  }

  /** The inverse of {@link #encode}: a recipient failure back into a {@link LedgerException}. */
  public static LedgerException decode(ReplyException re) {
    if (re.failureType() == ReplyFailure.NO_HANDLERS) {
      return new LedgerException(ErrorCode.NOT_IMPLEMENTED, "This operation is not served by any node yet");
    }
    if (re.failureType() == ReplyFailure.TIMEOUT) {
      return new LedgerException(ErrorCode.SERVICE_UNAVAILABLE, "The service did not answer in time");
    }
    ErrorCode code = ErrorCode.ofFailureCode(re.failureCode());
    String msg = re.getMessage();
    if (msg != null && msg.startsWith("{")) {
      try {
        JsonObject j = new JsonObject(msg);
        return new LedgerException(code, j.getString("detail", code.title), j.getJsonObject("details"));
      } catch (DecodeException ignored) {
        // fall through: a plain message
      }
    }
    return new LedgerException(code, code == ErrorCode.INTERNAL_SERVER_ERROR ? code.title : msg);
  }
}
