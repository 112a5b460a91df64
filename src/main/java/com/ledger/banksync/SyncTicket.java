package com.ledger.banksync;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** A scheduled sync job as the API shows it (SPEC.md §2.6, the async-operation helper's shape). */
record SyncTicket(UUID jobId, String state, boolean duplicate, UUID loginId) {
  JsonObject toJson() {
    return new JsonObject().put("job_id", jobId.toString()).put("status", state)
        .put("message", "Operation scheduled successfully").put("check_status_url", "/api/jobs/" + jobId)
        .put("login_id", loginId.toString()).put("duplicate", duplicate);
  }
}
