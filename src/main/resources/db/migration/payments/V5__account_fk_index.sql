-- The daily-limit rule reads payments.account_daily_totals since V3, so nothing reads
-- (user_bank_account_id, direction, status, posted_at) any more; it stayed only because it also served the account
-- FK (the cascade of an account delete). A plain index on the FK column serves that with one narrow entry per row,
-- and a posting (status, posted_at change) no longer rewrites a four-column entry. IndexUsageTest checks both sides.
CREATE INDEX IF NOT EXISTS user_payments_user_bank_account_id_index ON payments.user_payments (user_bank_account_id);
DROP INDEX IF EXISTS payments.user_payments_account_direction_status_posted_at_index;
