package com.ledger.platform.config;

/** The {@code banksync.*} slice of the config: periodic sync, token refresh margin, sync window, job settings. */
public record SyncSettings(boolean periodicSync, int scheduleIntervalMs, int refreshMarginSeconds, int initialLookbackDays,
    int overlapSeconds, int jobMaxAttempts, int jobTimeoutSeconds, int uniqueSeconds, int failedSyncRetrySeconds) {

  static SyncSettings from(ConfigReader s) {
    return new SyncSettings(s.bool("periodic_sync", true), s.integer("schedule_interval_ms", 60_000, 100, 86_400_000),
        s.integer("token_refresh_margin_seconds", 300, 0, 86_400), s.integer("initial_lookback_days", 90, 1, 3650),
        s.integer("sync_overlap_seconds", 259_200, 0, 31_536_000), s.integer("job_max_attempts", 5, 1, 100),
        s.integer("job_timeout_seconds", 600, 1, 86_400), s.integer("unique_seconds", 300, 0, 86_400),
        s.integer("failed_sync_retry_seconds", 60, 1, 86_400));
  }
}
