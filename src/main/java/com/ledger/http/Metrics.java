package com.ledger.http;

import com.ledger.platform.errors.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** HTTP request timing ({@code http_server_requests_seconds}) and error counts ({@code ledger_errors_total}). */
public final class Metrics {
  static final String ROUTE_KEY = "ledger.route";
  static final String ERROR_REASON_KEY = "ledger.error";

  private Metrics() {}

  /**
   * Times the request into {@code timers}: the caller's own map of registered timers (one per event loop, so the
   * lookup takes no lock), keyed by method, status and route.
   */
  static void startTimer(RoutingContext rc, MeterRegistry registry, Map<TimerKey, Timer> timers) {
    long start = System.nanoTime();
    if (registry == null) return;
    rc.addBodyEndHandler(v -> {
      String route = rc.get(ROUTE_KEY);
      timer(registry, timers, rc.request().method().name(), route == null ? "unmatched" : route, rc.response().getStatusCode())
          .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
      ErrorCode err = rc.get(ERROR_REASON_KEY);
      if (err != null) countError(registry, err);
    });
  }

  /** The timer of (method, route, status), registered once: a lookup per request instead of a meter id. */
  private static Timer timer(MeterRegistry registry, Map<TimerKey, Timer> timers, String method, String route, int status) {
    TimerKey key = new TimerKey(method, status, route);
    Timer t = timers.get(key);
    if (t == null) {
      t = Timer.builder("http.server.requests").description("HTTP requests served").tag("method", method)
          .tag("route", route).tag("status", String.valueOf(status)).register(registry);
      timers.put(key, t);
    }
    return t;
  }

  /** What a request timer is registered for. */
  record TimerKey(String method, int status, String route) {}

  /** One problem answered with {@code reason} ({@code ledger_errors_total}). */
  static void countError(MeterRegistry registry, ErrorCode reason) {
    if (registry == null) return;
    Counter.builder("ledger.errors").description("Problems answered, by reason")
        .tag("reason", reason.reason()).tag("category", reason.category.wireName()).register(registry).increment();
  }
}
