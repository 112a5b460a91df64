-- Issue 10: an in-progress Idempotency-Key is held by a short lease its request renews while it runs, so a key
-- whose owner died is free within seconds (not after a fixed staleness window counted from its creation).
ALTER TABLE payments.idempotency_keys ADD COLUMN lease_until timestamptz;
