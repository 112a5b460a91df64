package com.ledger.http;

import com.ledger.platform.errors.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;

/** HTTP request timing ({@code http_server_requests_seconds}) and error counts ({@code ledger_errors_total}). */
public final class Metrics {
  static final String ROUTE_KEY = "ledger.route";
  static final String ERROR_REASON_KEY = "ledger.error";
  private static final String START_KEY = "ledger.start";

  private Metrics() {}

  static void startTimer(RoutingContext rc, MeterRegistry registry) {
    rc.put(START_KEY, System.nanoTime());
    if (registry == null) return;
    rc.addBodyEndHandler(v -> {
      Long start = rc.get(START_KEY);
      String route = rc.get(ROUTE_KEY);
      Timer.builder("http.server.requests").description("HTTP requests served")
          .tag("method", rc.request().method().name())
          .tag("route", route == null ? "unmatched" : route)
          .tag("status", String.valueOf(rc.response().getStatusCode()))
          .register(registry).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
      ErrorCode err = rc.get(ERROR_REASON_KEY);
      if (err != null) countError(registry, err);
    });
  }

  /** One problem answered with {@code reason} ({@code ledger_errors_total}). */
  static void countError(MeterRegistry registry, ErrorCode reason) {
    if (registry == null) return;
    Counter.builder("ledger.errors").description("Problems answered, by reason")
        .tag("reason", reason.reason()).tag("category", reason.category.wireName()).register(registry).increment();
  }
}
