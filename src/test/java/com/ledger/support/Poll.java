package com.ledger.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests without fixed sleeps: a condition checked every {@link #INTERVAL} up to a deadline. */
public final class Poll {
  static final Duration INTERVAL = Duration.ofMillis(25);

  private Poll() {}

  /** Returns as soon as {@code condition} holds; fails the test with {@code what} when it still does not at the deadline. */
  public static void until(String what, Duration max, BooleanSupplier condition) {
    until(what, max, INTERVAL, condition);
  }

  /** {@link #until(String, Duration, BooleanSupplier)} checking every {@code every} (e.g. a bench that must not load the database). */
  public static void until(String what, Duration max, Duration every, BooleanSupplier condition) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + max + " waiting for " + what);
      pause(every);
    }
  }

  /**
   * That something does NOT happen: {@code condition} is checked throughout {@code period} and the test fails the
   * moment it stops holding (there is no earlier way to know that nothing changes).
   */
  public static void holdsFor(String what, Duration period, BooleanSupplier condition) {
    long end = System.nanoTime() + period.toNanos();
    do {
      if (!condition.getAsBoolean()) throw new AssertionError("no longer true: " + what);
      pause(INTERVAL);
    } while (System.nanoTime() < end);
    if (!condition.getAsBoolean()) throw new AssertionError("no longer true: " + what);
  }

  private static void pause(Duration every) {
    try {
      Thread.sleep(every.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
