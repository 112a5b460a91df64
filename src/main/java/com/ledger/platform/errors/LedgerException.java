package com.ledger.platform.errors;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** An expected failure with a catalog reason: no stack trace, a client-safe detail and optional details. */
public final class LedgerException extends RuntimeException {
  public final ErrorCode code;
  public final JsonObject details;

  public LedgerException(ErrorCode code, String detail) {
    this(code, detail, new JsonObject());
  }

  public LedgerException(ErrorCode code, String detail, JsonObject details) {
    super(detail == null ? code.title : detail, null, false, false);
    this.code = code;
    this.details = details == null ? new JsonObject() : details;
  }

  public static LedgerException of(ErrorCode code) {
    return new LedgerException(code, code.title);
  }

  /** A field-level failure: {@code details.field} names the JSON field. */
  public static LedgerException field(ErrorCode code, String field, String message) {
    return new LedgerException(code, message, new JsonObject().put("field", field).put("message", message));
  }

  public <T> Future<T> future() {
    return Future.failedFuture(this);
  }

  public static <T> Future<T> fail(ErrorCode code, String detail) {
    return Future.failedFuture(new LedgerException(code, detail));
  }
}
