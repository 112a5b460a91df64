-- Why a bank login is in status ERROR (a catalog reason such as bank_credentials_invalid) and since when;
-- cleared by the next successful sync. last_scheduled_at: when the periodic scheduler last enqueued a sync.
ALTER TABLE banksync.user_bank_logins ADD COLUMN status_reason varchar(255);
ALTER TABLE banksync.user_bank_logins ADD COLUMN status_changed_at timestamptz(0);
ALTER TABLE banksync.user_bank_logins ADD COLUMN last_scheduled_at timestamptz(0);
-- periodic sync: ACTIVE logins whose next sync is due
CREATE INDEX user_bank_logins_status_last_sync_at_index ON banksync.user_bank_logins (status, last_sync_at);
