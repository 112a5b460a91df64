package com.ledger.banksync.bank;

import com.ledger.platform.config.BankConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One circuit breaker per bank remote (scheme://host:port of the bank's api_endpoint), shared by every verticle of
 * the node. State changes are logged, counted ({@code ledger_bank_circuit_breaker_transitions_total}) and exposed as
 * a gauge ({@code ledger_bank_circuit_breaker_state}: 0 closed, 1 half-open, 2 open) and in /api/health/detailed.
 */
public final class BankBreakers {
  private static final Logger LOG = LoggerFactory.getLogger(BankBreakers.class);

  private final Vertx vertx;
  private final BankConfig cfg;
  private final MeterRegistry registry;
  private final Map<String, Entry> breakers = new ConcurrentHashMap<>();

  private static final class Entry {
    final CircuitBreaker breaker;
    final String remote;
    final AtomicLong opened = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    volatile Instant lastChange = Instant.now();
    volatile Instant openedAt;

    Entry(CircuitBreaker breaker, String remote) {
      this.breaker = breaker;
      this.remote = remote;
    }
  }

  public BankBreakers(Vertx vertx, BankConfig cfg, MeterRegistry registry) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.registry = registry;
  }

  /** The breaker guarding this endpoint's remote (created on first use). */
  public CircuitBreaker forEndpoint(String endpoint) {
    return breakers.computeIfAbsent(remoteOf(endpoint), this::create).breaker;
  }

  /**
   * How long until this endpoint's breaker lets a call through: while open, until it half-opens; while half-open
   * (its one probe is out), a moment; closed, 0.
   */
  public long retryInMs(String endpoint) {
    Entry e = breakers.get(remoteOf(endpoint));
    if (e == null) return 0;
    return switch (e.breaker.state()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1000;
      case OPEN -> {
        Instant opened = e.lastChange;
        long left = opened.toEpochMilli() + cfg.breakerResetMs() - System.currentTimeMillis();
        yield Math.max(250, left + 50);
      }
    };
  }

  void countRejected(String endpoint) {
    Entry e = breakers.get(remoteOf(endpoint));
    if (e != null) e.rejected.incrementAndGet();
  }

  static String remoteOf(String endpoint) {
    try {
      URI u = URI.create(endpoint == null ? "" : endpoint.trim());
      if (u.getHost() == null) return "invalid";
      int port = u.getPort() > 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
      return u.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + u.getHost() + ":" + port;
    } catch (RuntimeException e) {
      return "invalid";
    }
  }

  private Entry create(String remote) {
    String name = "bank-api " + remote;
    CircuitBreaker cb = CircuitBreaker.create(name, vertx, new CircuitBreakerOptions()
        .setMaxFailures(cfg.breakerMaxFailures())
        .setFailuresRollingWindow(cfg.breakerWindowMs())
        .setResetTimeout(cfg.breakerResetMs())
        .setTimeout(cfg.timeoutMs() + 250L)
        .setFallbackOnFailure(false)
        .setNotificationAddress(null));
    Entry e = new Entry(cb, remote);
    cb.openHandler(v -> transition(e, "open"))
        .halfOpenHandler(v -> transition(e, "half_open"))
        .closeHandler(v -> transition(e, "closed"));
    if (registry != null) {
      Gauge.builder("ledger.bank.circuit.breaker.state", cb, b -> stateValue(b.state()))
          .description("Bank circuit breaker state: 0 closed, 1 half-open, 2 open").tag("remote", remote).register(registry);
      Gauge.builder("ledger.bank.circuit.breaker.failures", cb, b -> b.failureCount())
          .description("Failures counted in the breaker's rolling window").tag("remote", remote).register(registry);
    }
    return e;
  }

  private void transition(Entry e, String state) {
    e.lastChange = Instant.now();
    if ("open".equals(state)) {
      e.opened.incrementAndGet();
      e.openedAt = e.lastChange;
    }
    LOG.atWarn().addKeyValue("remote", e.remote).addKeyValue("state", state)
        .addKeyValue("failures", e.breaker.failureCount()).log("bank.circuit_breaker.state_changed");
    if (registry != null) {
      Counter.builder("ledger.bank.circuit.breaker.transitions").description("Bank circuit breaker state changes")
          .tag("remote", e.remote).tag("state", state).register(registry).increment();
    }
  }

  static int stateValue(CircuitBreakerState s) {
    return switch (s) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  static String stateName(CircuitBreakerState s) {
    return switch (s) {
      case CLOSED -> "closed";
      case HALF_OPEN -> "half_open";
      case OPEN -> "open";
    };
  }

  /** The section of /api/health/detailed: the worst state over all remotes plus one entry per remote. */
  public JsonObject describe() {
    JsonArray list = new JsonArray();
    int worst = 0;
    for (Entry e : breakers.values()) {
      CircuitBreakerState s = e.breaker.state();
      worst = Math.max(worst, stateValue(s));
      list.add(new JsonObject().put("remote", e.remote).put("state", stateName(s))
          .put("failure_count", e.breaker.failureCount()).put("opened_total", e.opened.get())
          .put("rejected_total", e.rejected.get()).put("last_state_change_at", e.lastChange.toString())
          .put("last_opened_at", e.openedAt == null ? null : e.openedAt.toString()));
    }
    String state = worst == 2 ? "open" : worst == 1 ? "half_open" : "closed";
    return new JsonObject().put("state", state).put("max_failures", cfg.breakerMaxFailures())
        .put("failures_window_ms", cfg.breakerWindowMs()).put("reset_timeout_ms", cfg.breakerResetMs())
        .put("timeout_ms", cfg.timeoutMs()).put("breakers", list);
  }
}
