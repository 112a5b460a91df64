package com.ledger.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sliding-window rate limit per client key (SPEC.md §1.3), shared by the HTTP verticle instances of a node. The
 * window is kept as {@link #BUCKETS} counters of {@code windowMs / BUCKETS} each (one per millisecond for windows of
 * fewer milliseconds): O(1) time and fixed memory per request and per key, whatever the limit, where a log of
 * timestamps grew with it. A request leaves the window at the end of its bucket's window, so at most one bucket
 * (1 % of the window) early. The oldest non-empty bucket is tracked, so the reset time is O(1) too (it was a scan of
 * the buckets on every request).
 */
public final class RateLimiter {
  public record Decision(boolean allowed, int limit, int remaining, long resetAtMs, long retryAfterMs) {}

  static final int BUCKETS = 100;

  private final int max;
  private final int buckets;
  private final long bucketMs;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  private final class Window {
    final long[] counts = new long[buckets];
    long total;
    long latest = Long.MIN_VALUE;  // absolute index of the newest bucket seen
    long oldest = Long.MAX_VALUE;  // absolute index of the oldest non-empty bucket in the window (MAX: none)

    /** Drops the buckets that left the window by bucket {@code now}. */
    void advance(long now) {
      if (latest == Long.MIN_VALUE || now - latest >= buckets) {
        java.util.Arrays.fill(counts, 0);
        total = 0;
      } else {
        for (long b = latest + 1; b <= now; b++) {
          int i = (int) Math.floorMod(b, (long) buckets);
          total -= counts[i];
          counts[i] = 0;
        }
      }
      if (now > latest) latest = now;
      if (total == 0) {
        oldest = Long.MAX_VALUE;
      } else if (oldest < first()) {
        // the oldest bucket left: the next non-empty one (each bucket is passed over once, so O(1) amortized)
        oldest = first();
        while (counts[(int) Math.floorMod(oldest, (long) buckets)] == 0) oldest++;
      }
    }

    /** The first bucket still in the window. */
    long first() {
      return latest - buckets + 1;
    }

    /** Counts a request in bucket {@code b} (one from a clock that went back past the window counts in its first bucket). */
    void count(long b) {
      long at = Math.max(b, first());
      counts[(int) Math.floorMod(at, (long) buckets)]++;
      total++;
      if (at < oldest) oldest = at;
    }

    /** When the oldest request still in the window leaves it (epoch ms). */
    long resetAt() {
      return (oldest == Long.MAX_VALUE ? latest + buckets : oldest + buckets) * bucketMs;
    }
  }

  public RateLimiter(int max, long windowMs) {
    this.max = max;
    this.buckets = (int) Math.max(1, Math.min(BUCKETS, windowMs));
    this.bucketMs = Math.max(1, windowMs / buckets);
  }

  public Decision hit(String key, long nowMs) {
    Window w = windows.computeIfAbsent(key, k -> new Window());
    long bucket = nowMs / bucketMs;
    synchronized (w) {
      w.advance(bucket);
      if (w.total >= max) {
        long reset = w.resetAt();
        return new Decision(false, max, 0, reset, Math.max(1, reset - nowMs));
      }
      w.count(bucket);
      return new Decision(true, max, (int) (max - w.total), w.resetAt(), 0);
    }
  }

  /** Drop keys with no request inside the window (called periodically). */
  public void evictIdle(long nowMs) {
    long bucket = nowMs / bucketMs;
    windows.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        return bucket - e.getValue().latest >= buckets;
      }
    });
  }

  /** The keys currently held; only RateLimiterTest reads it (to see {@link #evictIdle} drop idle keys). */
  int trackedKeys() {
    return windows.size();
  }
}
