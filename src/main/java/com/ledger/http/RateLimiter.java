package com.ledger.http;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sliding-window rate limit per client key (SPEC.md §1.3), shared by the HTTP verticle instances of a node.
 * Each key keeps the timestamps of its requests inside the window; at most {@code max} are admitted.
 */
public final class RateLimiter {
  public record Decision(boolean allowed, int limit, int remaining, long resetAtMs, long retryAfterMs) {}

  private final int max;
  private final long windowMs;
  private final Map<String, ArrayDeque<Long>> hits = new ConcurrentHashMap<>();

  public RateLimiter(int max, long windowMs) {
    this.max = max;
    this.windowMs = windowMs;
  }

  public Decision hit(String key, long nowMs) {
    ArrayDeque<Long> q = hits.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (q) {
      long floor = nowMs - windowMs;
      while (!q.isEmpty() && q.peekFirst() <= floor) q.pollFirst();
      if (q.size() >= max) {
        long reset = q.peekFirst() + windowMs;
        return new Decision(false, max, 0, reset, Math.max(1, reset - nowMs));
      }
      q.addLast(nowMs);
      long reset = q.peekFirst() + windowMs;
      return new Decision(true, max, max - q.size(), reset, 0);
    }
  }

  /** Drop keys with no request inside the window (called periodically). */
  public void evictIdle(long nowMs) {
    long floor = nowMs - windowMs;
    hits.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        Long last = e.getValue().peekLast();
        return last == null || last <= floor;
      }
    });
  }

  int trackedKeys() {
    return hits.size();
  }
}
