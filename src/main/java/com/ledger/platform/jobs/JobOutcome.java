package com.ledger.platform.jobs;

import io.vertx.core.json.JsonObject;

/** What one job of a batch came to ({@link BatchJobWorker#performBatch}). */
public sealed interface JobOutcome {

  /** The job's effects committed together with its completion (the worker completed it with this result). */
  record Completed(JsonObject result) implements JobOutcome {}

  /**
   * The attempt failed and committed nothing; the job is still {@code executing} under the runner's lease, and the
   * runner records the failure like a single job's: retried or dead-lettered (with the worker's {@code onDead}) by
   * the catalog category of the cause.
   */
  record Failed(Throwable cause) implements JobOutcome {}

  static JobOutcome completed(JsonObject result) {
    return new Completed(result);
  }

  static JobOutcome failed(Throwable cause) {
    return new Failed(cause);
  }
}
