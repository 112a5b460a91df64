-- Issue 10: a login whose last sync failed (its job went dead) is retried by the scheduler with backoff
-- (banksync.failed_sync_retry_seconds, doubling per failure, capped at sync_frequency), not only after sync_frequency.
ALTER TABLE banksync.user_bank_logins
    ADD COLUMN sync_failures       integer NOT NULL DEFAULT 0,
    ADD COLUMN last_sync_failed_at timestamptz(0);
