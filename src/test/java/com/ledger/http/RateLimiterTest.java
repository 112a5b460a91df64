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
}
