package com.ledger.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The sliding window with a virtual clock: limit, remaining, reset, the window sliding on, idle keys dropped. */
class RateLimiterTest {
  @Test
  void admits_max_per_window_then_refuses_until_the_oldest_leaves() {
    RateLimiter l = new RateLimiter(3, 60_000);
    long t0 = 1_000_000_000L;
    for (int i = 0; i < 3; i++) {
      RateLimiter.Decision d = l.hit("a", t0 + i * 1000L);
      assertThat(d.allowed()).isTrue();
      assertThat(d.remaining()).isEqualTo(2 - i);
      assertThat(d.resetAtMs()).isGreaterThan(t0 + i * 1000L).isLessThanOrEqualTo(t0 + 60_000);
    }
    RateLimiter.Decision refused = l.hit("a", t0 + 10_000);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterMs()).isPositive();
    assertThat(l.hit("b", t0 + 10_000).allowed()).as("another key has its own window").isTrue();
    // the first request leaves the window at its reset time: one more is admitted, not three
    long reset = refused.resetAtMs();
    assertThat(l.hit("a", reset).allowed()).isTrue();
    assertThat(l.hit("a", reset).allowed()).isFalse();
    // a whole window later everything has left
    RateLimiter.Decision fresh = l.hit("a", t0 + 200_000);
    assertThat(fresh.allowed()).isTrue();
    assertThat(fresh.remaining()).isEqualTo(2);
  }

  @Test
  void a_huge_limit_keeps_counting_exactly_and_idle_keys_are_dropped() {
    RateLimiter l = new RateLimiter(1_000_000, 1000);
    long t0 = 5_000_000L;
    for (int i = 0; i < 250_000; i++) l.hit("k", t0 + i % 500);
    assertThat(l.hit("k", t0 + 500).remaining()).isEqualTo(1_000_000 - 250_001);
    l.evictIdle(t0 + 10_000);
    assertThat(l.trackedKeys()).isZero();
  }

  /**
   * Against a plain model (per-bucket counts, the reset found by scanning the window): every decision's allowed,
   * remaining and reset agree over a random walk of the clock that leaves buckets empty, lets the oldest leave and
   * goes idle for more than a window.
   */
  @Test
  void decisions_match_a_scanning_model_over_a_random_clock() {
    int max = 40;
    long windowMs = 1000;
    RateLimiter l = new RateLimiter(max, windowMs);
    java.util.Random random = new java.util.Random(8);
    long bucketMs = windowMs / RateLimiter.BUCKETS;
    java.util.TreeMap<Long, Integer> model = new java.util.TreeMap<>();  // bucket -> requests
    long now = 7_000_000L;
    for (int i = 0; i < 20_000; i++) {
      int step = random.nextInt(100);
      now += step < 70 ? random.nextInt(3) : step < 97 ? random.nextInt(60) : 1500;
      long bucket = now / bucketMs;
      model.headMap(bucket - RateLimiter.BUCKETS + 1).clear();
      int total = model.values().stream().mapToInt(Integer::intValue).sum();
      RateLimiter.Decision d = l.hit("k", now);
      if (total >= max) {
        assertThat(d.allowed()).as("request %d", i).isFalse();
        assertThat(d.resetAtMs()).as("request %d", i).isEqualTo((model.firstKey() + RateLimiter.BUCKETS) * bucketMs);
      } else {
        model.merge(bucket, 1, Integer::sum);
        assertThat(d.allowed()).as("request %d", i).isTrue();
        assertThat(d.remaining()).as("request %d", i).isEqualTo(max - total - 1);
        assertThat(d.resetAtMs()).as("request %d", i).isEqualTo((model.firstKey() + RateLimiter.BUCKETS) * bucketMs);
      }
    }
  }
}
