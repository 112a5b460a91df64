package com.ledger.platform.jobs;

import com.ledger.platform.errors.LedgerException;
import java.time.Instant;

/**
 * A worker's answer "a dependency refused the call without trying it (e.g. an open circuit breaker): run me again at
 * {@code at}". The runner reschedules the job for then without spending the attempt (attempts are spent on real
 * calls only); {@code reason} is appended to the job's errors for visibility.
 */
public final class JobDeferred extends RuntimeException {
  public final Instant at;
  public final LedgerException reason;

  public JobDeferred(Instant at, LedgerException reason) {
    super(reason.getMessage(), null, false, false);
    this.at = at;
    this.reason = reason;
  }
}
