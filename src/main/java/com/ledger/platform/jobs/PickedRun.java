package com.ledger.platform.jobs;

import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * What one {@link BatchJobWorker#claimAndRun} came to.
 *
 * @param completed how many jobs it ran and completed
 * @param deferred  how many it picked and left waiting, untouched (e.g. their account was busy)
 * @param failed    the jobs that failed, now executing under the runner's lease: each with its failure's cause,
 *                  given the job as claimed
 */
public record PickedRun(int completed, int deferred, Map<UUID, Function<Job, Throwable>> failed) {

  public PickedRun {
    failed = Map.copyOf(failed);
  }

  /** How many jobs the run picked. */
  public int picked() {
    return completed + deferred + failed.size();
  }
}
