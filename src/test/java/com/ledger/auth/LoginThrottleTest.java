package com.ledger.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The failed-login throttle with a hand-driven clock. */
class LoginThrottleTest {
  final AtomicLong now = new AtomicLong(1_000_000);
  final LoginThrottle t = new LoginThrottle(3, 60_000, now::get);

  void fail(String key) {
    assertThat(t.tryAcquire(key).allowed()).isTrue();
    t.failed(key);
  }

  @Test
  void blocks_after_max_failures_until_the_oldest_leaves_the_window() {
    fail("ip|a");
    now.addAndGet(10_000);
    fail("ip|a");
    fail("ip|a");
    LoginThrottle.Verdict v = t.tryAcquire("ip|a");
    assertThat(v.allowed()).isFalse();
    assertThat(v.retryAfterMs()).isEqualTo(50_000);
    assertThat(t.tryAcquire("ip|b").allowed()).isTrue(); // other keys unaffected
    now.addAndGet(50_000); // the first failure leaves the window
    assertThat(t.tryAcquire("ip|a").allowed()).isTrue();
  }

  @Test
  void success_forgets_failures() {
    fail("k");
    fail("k");
    assertThat(t.tryAcquire("k").allowed()).isTrue();
    t.succeeded("k");
    fail("k");
    fail("k");
    assertThat(t.tryAcquire("k").allowed()).isTrue();
  }

  @Test
  void attempts_in_flight_count_so_concurrent_guesses_cannot_overshoot() {
    for (int i = 0; i < 10; i++) assertThat(t.tryAcquire("clean").allowed()).as("no failure yet").isTrue();
    fail("k");
    assertThat(t.tryAcquire("k").allowed()).isTrue();
    assertThat(t.tryAcquire("k").allowed()).isTrue();
    LoginThrottle.Verdict v = t.tryAcquire("k");
    assertThat(v.allowed()).isFalse();
    t.released("k"); // e.g. a validation error: not a failure
    assertThat(t.tryAcquire("k").allowed()).isTrue();
  }

  @Test
  void idle_keys_are_evicted() {
    fail("k");
    assertThat(t.tryAcquire("held").allowed()).isTrue();
    now.addAndGet(60_000);
    t.evictIdle();
    assertThat(t.size()).isEqualTo(1); // "held" is still in flight
    t.released("held");
    t.evictIdle();
    assertThat(t.size()).isZero();
  }
}
