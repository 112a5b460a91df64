package com.ledger.http;

import com.ledger.platform.errors.ErrorCategory;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Renders a catalog failure as RFC 9457 problem+json with the legacy {@code error} member (SPEC.md §1.2). */
public final class Problems {
  public static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {}

  public static JsonObject body(ErrorCode code, String detail, JsonObject details, String instance, Instant now) {
    String ts = Instant.ofEpochSecond(now.getEpochSecond()).toString();
    JsonObject core = new JsonObject()
        .put("type", code.type())
        .put("title", code.title)
        .put("status", code.status)
        .put("code", code.status)
        .put("reason", code.reason())
        .put("category", code.category.wireName())
        .put("retryable", code.retryable())
        .put("timestamp", ts)
        .put("message", code.title)
        .put("instance", instance)
        .put("details", details == null ? new JsonObject() : details);
    if (code.retryable() && code.category != ErrorCategory.RATE_LIMIT) {
      core.put("retry_after_ms", code.category.retryDelayMs).put("max_retry_attempts", code.category.maxRetryAttempts);
    }
    JsonObject body = core.copy().put("detail", detail == null || detail.isBlank() ? code.title : detail);
    return body.put("error", core);
  }

  /** Write the problem; a response that has already started is left alone. */
  public static void write(RoutingContext rc, LedgerException e) {
    HttpServerResponse res = rc.response();
    if (res.headWritten()) {
      if (!res.ended()) res.reset();
      return;
    }
    ErrorCode code = e.code;
    String cid = Correlation.id(rc);
    res.setStatusCode(code.status).putHeader("Content-Type", CONTENT_TYPE);
    if (code.retryable() && !res.headers().contains("Retry-After")) {
      // a 429 raised by a domain verticle (e.g. the login throttle) carries its real wait in details.retry_after_ms
      long delayMs = code.category == ErrorCategory.RATE_LIMIT && e.details.getValue("retry_after_ms") instanceof Number n
          ? n.longValue() : code.category.retryDelayMs;
      res.putHeader("Retry-After", String.valueOf(Math.max(1, (delayMs + 999) / 1000)));
    }
    rc.put(Metrics.ERROR_REASON_KEY, code);
    res.end(body(code, e.getMessage(), e.details, cid, Instant.now().truncatedTo(ChronoUnit.SECONDS)).encode());
  }
}
