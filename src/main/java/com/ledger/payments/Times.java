package com.ledger.payments;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/** RFC 3339 UTC, whole seconds, {@code Z} (SPEC.md §1.1). */
final class Times {
  private Times() {}

  static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  static String format(Instant i) {
    return i == null ? null : i.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
