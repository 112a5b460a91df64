package com.ledger.http;

import com.ledger.platform.errors.ErrorCategory;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.ProblemBody;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Renders a catalog failure as RFC 9457 problem+json with the legacy {@code error} member (SPEC.md §1.2). */
public final class Problems {
  public static final String CONTENT_TYPE = ProblemBody.CONTENT_TYPE;

  private Problems() {}

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
    } else if (code == ErrorCode.IDEMPOTENCY_KEY_IN_USE && !res.headers().contains("Retry-After")) {
      // the request holding the key renews a short lease; when its owner died the key is free once the lease ends
      long delayMs = e.details.getValue("retry_after_ms") instanceof Number n ? n.longValue() : 1000;
      res.putHeader("Retry-After", String.valueOf(Math.max(1, (delayMs + 999) / 1000)));
    }
    rc.put(Metrics.ERROR_REASON_KEY, code);
    res.end(ProblemBody.of(code, e.getMessage(), e.details, cid, Instant.now().truncatedTo(ChronoUnit.SECONDS)).encode());
  }
}
