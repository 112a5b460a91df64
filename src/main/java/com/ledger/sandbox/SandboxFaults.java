package com.ledger.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Fault injection of the sandbox bank: added latency, an error rate, "down for N seconds", 429 with Retry-After for
 * a while, and counted rules ("the next 2 calls to /transactions take 3 s", "the next 3 calls to /accounts answer
 * 500"). Set from config at boot and from the admin endpoint; {@link #plan} decides what one bank call meets.
 * Times are epoch milliseconds passed in, so the decisions are testable without a clock.
 */
final class SandboxFaults {
  /** What one request meets: a delay, then either the real handler ({@code status == 0}) or a canned answer. */
  record Plan(long delayMs, int status, int retryAfterSeconds, String error) {
    boolean intercepts() {
      return status > 0;
    }
  }

  private record Rule(String path, long latencyMs, int status, int remaining) {
    boolean matches(String p) {
      return remaining > 0 && (path == null || p.startsWith(path));
    }
  }

  private final int defaultLatencyMs;
  private final double defaultErrorRate;
  private long latencyMs;
  private double errorRate;
  private long downUntilMs;
  private long rateLimitedUntilMs;
  private int retryAfterSeconds = 1;
  private final List<Rule> slow = new ArrayList<>();
  private final List<Rule> fail = new ArrayList<>();
  private boolean extraTransaction;
  private boolean alterTransaction;

  SandboxFaults(int latencyMs, double errorRate) {
    this.defaultLatencyMs = latencyMs;
    this.defaultErrorRate = errorRate;
    reset();
  }

  synchronized void reset() {
    latencyMs = defaultLatencyMs;
    errorRate = defaultErrorRate;
    downUntilMs = 0;
    rateLimitedUntilMs = 0;
    retryAfterSeconds = 1;
    slow.clear();
    fail.clear();
    extraTransaction = false;
    alterTransaction = false;
  }

  /** Apply an admin request; unknown keys are ignored, bad values throw IllegalArgumentException. */
  synchronized void apply(JsonObject req, long nowMs) {
    if (req.containsKey("latency_ms")) latencyMs = range(req, "latency_ms", 0, 600_000);
    if (req.containsKey("error_rate")) {
      double r = number(req, "error_rate");
      if (r < 0 || r > 1) throw new IllegalArgumentException("error_rate must be within 0..1");
      errorRate = r;
    }
    if (req.containsKey("down_for_seconds")) {
      long s = range(req, "down_for_seconds", 0, 86_400);
      downUntilMs = s == 0 ? 0 : nowMs + s * 1000;
    }
    if (req.containsKey("retry_after_seconds")) retryAfterSeconds = (int) range(req, "retry_after_seconds", 0, 3600);
    if (req.containsKey("rate_limit_for_seconds")) {
      long s = range(req, "rate_limit_for_seconds", 0, 86_400);
      rateLimitedUntilMs = s == 0 ? 0 : nowMs + s * 1000;
    }
    if (req.containsKey("extra_transaction")) extraTransaction = flag(req, "extra_transaction");
    if (req.containsKey("alter_transaction")) alterTransaction = flag(req, "alter_transaction");
    if (req.getValue("slow") instanceof JsonObject s) {
      slow.add(new Rule(s.getString("path"), range(s, "latency_ms", 0, 600_000), 0, (int) range(s, "count", 1, 1_000_000)));
    }
    if (req.getValue("fail") instanceof JsonObject f) {
      fail.add(new Rule(f.getString("path"), 0, (int) range(f, "status", 400, 599), (int) range(f, "count", 1, 1_000_000)));
    }
  }

  /** Decide the fate of one bank call to {@code path}; {@code random} is uniform in [0, 1). */
  synchronized Plan plan(String path, long nowMs, double random) {
    if (nowMs < downUntilMs) return new Plan(0, 503, 0, "temporarily_unavailable");
    if (nowMs < rateLimitedUntilMs) return new Plan(0, 429, retryAfterSeconds, "rate_limited");
    long delay = latencyMs;
    for (int i = 0; i < slow.size(); i++) {
      Rule r = slow.get(i);
      if (r.matches(path)) {
        delay += r.latencyMs();
        slow.set(i, new Rule(r.path(), r.latencyMs(), 0, r.remaining() - 1));
        break;
      }
    }
    slow.removeIf(r -> r.remaining() <= 0);
    for (int i = 0; i < fail.size(); i++) {
      Rule r = fail.get(i);
      if (r.matches(path)) {
        fail.set(i, new Rule(r.path(), 0, r.status(), r.remaining() - 1));
        fail.removeIf(x -> x.remaining() <= 0);
        return new Plan(delay, r.status(), 0, "injected_failure");
      }
    }
    if (errorRate > 0 && random < errorRate) return new Plan(delay, 500, 0, "injected_error");
    return new Plan(delay, 0, 0, null);
  }

  synchronized JsonObject describe(long nowMs) {
    return new JsonObject().put("latency_ms", latencyMs).put("error_rate", errorRate)
        .put("down", nowMs < downUntilMs).put("down_remaining_ms", Math.max(0, downUntilMs - nowMs))
        .put("rate_limited", nowMs < rateLimitedUntilMs).put("retry_after_seconds", retryAfterSeconds)
        .put("slow_rules", slow.size()).put("fail_rules", fail.size())
        .put("extra_transaction", extraTransaction).put("alter_transaction", alterTransaction);
  }

  /**
   * Bank-side discrepancies for reconciliation tests: {@code extra_transaction} adds a transaction the ledger never
   * imported ({@code <account>TX}, 12.34 credit) to a non-empty list; {@code alter_transaction} makes the last one
   * 1.00 more negative than what was imported.
   */
  synchronized JsonArray tamper(JsonArray transactions) {
    if (transactions.isEmpty() || !(extraTransaction || alterTransaction)) return transactions;
    JsonArray out = transactions.copy();
    if (alterTransaction) {
      JsonObject last = out.getJsonObject(out.size() - 1);
      last.put("amount", last.getLong("amount") - 100);
    }
    if (extraTransaction) {
      JsonObject first = out.getJsonObject(0);
      out.add(first.copy().put("id", first.getString("account_id") + "TX").put("amount", 1_234L)
          .put("description", "Unreconciled credit"));
    }
    return out;
  }

  private static boolean flag(JsonObject j, String key) {
    if (j.getValue(key) instanceof Boolean b) return b;
    throw new IllegalArgumentException(key + " must be a boolean");
  }

  private static long range(JsonObject j, String key, long min, long max) {
    double d = number(j, key);
    if (d != Math.rint(d) || d < min || d > max) {
      throw new IllegalArgumentException(key + " must be an integer within " + min + ".." + max);
    }
    return (long) d;
  }

  private static double number(JsonObject j, String key) {
    Object v = j.getValue(key);
    if (v instanceof Number n) return n.doubleValue();
    throw new IllegalArgumentException(key + " must be a number");
  }
}
