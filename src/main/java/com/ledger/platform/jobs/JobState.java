package com.ledger.platform.jobs;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The states of SPEC.md §7.1 ({@code dead} is the dead-letter queue). */
public final class JobState {
  public static final String AVAILABLE = "available";
  public static final String SCHEDULED = "scheduled";
  public static final String EXECUTING = "executing";
  public static final String RETRYABLE = "retryable";
  public static final String COMPLETED = "completed";
  public static final String DEAD = "dead";
  public static final String CANCELLED = "cancelled";

  public static final List<String> ALL =
      List.of(AVAILABLE, SCHEDULED, EXECUTING, RETRYABLE, COMPLETED, DEAD, CANCELLED);

  private JobState() {}

  /** A state filter as a client sends it (trimmed, case-insensitive), or empty when it names no state. */
  public static Optional<String> parse(String raw) {
    if (raw == null) return Optional.empty();
    String s = raw.trim().toLowerCase(Locale.ROOT);
    return ALL.contains(s) ? Optional.of(s) : Optional.empty();
  }
}
