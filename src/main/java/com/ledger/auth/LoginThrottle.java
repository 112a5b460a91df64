package com.ledger.auth;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed-login throttle per (client IP, email): at most {@code maxFailures} failures in a sliding window of
 * {@code windowMs}. Once a key has a failure in the window, its attempts in flight count as failures until they
 * finish, so a burst of concurrent guesses cannot overshoot the limit; a key with no failure is not held back, so
 * concurrent logins with the right password all pass. Per node and in memory: N nodes allow up to N × maxFailures failures per window.
 */
final class LoginThrottle {
  /** allowed, or refused with the time until the oldest counted failure leaves the window. */
  record Verdict(boolean allowed, long retryAfterMs) {}

  private static final class Entry {
    final Deque<Long> failures = new ArrayDeque<>();
    int pending;
  }

  private final int maxFailures;
  private final long windowMs;
  private final LongSupplier clock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  LoginThrottle(int maxFailures, long windowMs, LongSupplier clock) {
    this.maxFailures = maxFailures;
    this.windowMs = windowMs;
    this.clock = clock;
  }

  /** Check and, when allowed, reserve an attempt; every allowed attempt must end in exactly one of the three calls below. */
  Verdict tryAcquire(String key) {
    long now = clock.getAsLong();
    Entry e = entries.computeIfAbsent(key, k -> new Entry());
    synchronized (e) {
      prune(e, now);
      if (!e.failures.isEmpty() && e.failures.size() + e.pending >= maxFailures) {
        long retry = e.failures.isEmpty() ? 1000 : Math.max(1000, e.failures.peekFirst() + windowMs - now);
        return new Verdict(false, retry);
      }
      e.pending++;
      return new Verdict(true, 0);
    }
  }

  /** The attempt was a wrong password or an unknown email. */
  void failed(String key) {
    long now = clock.getAsLong();
    Entry e = entries.computeIfAbsent(key, k -> new Entry());
    synchronized (e) {
      if (e.pending > 0) e.pending--;
      e.failures.addLast(now);
    }
  }

  /** The attempt logged in: the key's failures are forgotten. */
  void succeeded(String key) {
    Entry e = entries.get(key);
    if (e == null) return;
    synchronized (e) {
      if (e.pending > 0) e.pending--;
      e.failures.clear();
    }
  }

  /** The attempt ended without a verdict on the password (bad input, inactive account, error). */
  void released(String key) {
    Entry e = entries.get(key);
    if (e == null) return;
    synchronized (e) {
      if (e.pending > 0) e.pending--;
    }
  }

  /** Drop keys with no failure in the window and nothing in flight (called periodically). */
  void evictIdle() {
    long now = clock.getAsLong();
    entries.entrySet().removeIf(en -> {
      Entry e = en.getValue();
      synchronized (e) {
        prune(e, now);
        return e.failures.isEmpty() && e.pending == 0;
      }
    });
  }

  int size() {
    return entries.size();
  }

  private void prune(Entry e, long now) {
    while (!e.failures.isEmpty() && e.failures.peekFirst() <= now - windowMs) e.failures.removeFirst();
  }
}
