-- Index diet (issue 8, SPEC §15): keep the indexes a query of the service uses, the unique ones and one per foreign
-- key. Claiming and the queue depth read jobs_claim_index (partial: waiting jobs only), so the original's
-- (queue, state, priority, scheduled_at) served only the admin list filtered by queue, which orders by
-- (inserted_at, id): (queue, inserted_at, id) answers that page from the index and its count from the index alone,
-- at the same write cost.
-- Kept: jobs_claim_index, jobs_lease_until_index (rescue), jobs_worker_unique_key_inserted_at_index (uniqueness
-- window; admin list by worker), jobs_state_inserted_at_index (admin list by state, e.g. the dead letters), the
-- args->>'payment_id' and args->>'login_id' expression indexes (a payment's latest job; cancelling a login's syncs)
-- and jobs_user_id_index (the FK that a user delete sets to NULL).
CREATE INDEX jobs_queue_inserted_at_id_index ON jobs.jobs (queue, inserted_at, id);
DROP INDEX IF EXISTS jobs.jobs_queue_state_priority_scheduled_at_index;
