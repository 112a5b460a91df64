-- Issue 8, the async posting path (what its profile found is in the issue's notes).
--
-- 1. The claim as a function whose plan does not depend on the table's statistics. The claim reads the waiting jobs
--    of a queue in (priority, scheduled_at, id) order, which jobs_claim_index gives as it is: a LIMIT then stops after
--    the first rows. But a jobs table analyzed while it was nearly empty (a fresh node, or before a burst) makes the
--    planner expect one waiting row, and it chose a bitmap scan of EVERY waiting job plus a sort: with a backlog of
--    120k jobs one claim of 100 took ~1 s (EXPLAIN ANALYZE), with a few thousand ~10-30 ms, for each batch. Without
--    a sort to choose, the plan is the ordered index scan whatever the statistics say. Same statement otherwise as
--    JobStore.CLAIM was (priority, then due time; FOR UPDATE SKIP LOCKED; a lease).
CREATE FUNCTION jobs.claim(p_queue text, p_workers text[], p_limit integer, p_runner text, p_lease_seconds integer)
RETURNS SETOF jobs.jobs AS $$
BEGIN
    RETURN QUERY
    WITH next AS (
        SELECT j.id FROM jobs.jobs j
         WHERE j.queue = p_queue AND j.worker = ANY (p_workers) AND j.state IN ('available', 'scheduled', 'retryable')
           AND j.scheduled_at <= now()
         ORDER BY j.priority, j.scheduled_at, j.id
         LIMIT p_limit
           FOR UPDATE SKIP LOCKED)
    UPDATE jobs.jobs j
       SET state = 'executing', attempt = j.attempt + 1, attempted_at = date_trunc('second', now()),
           locked_by = p_runner, lease_until = now() + p_lease_seconds * interval '1 second'
      FROM next
     WHERE j.id = next.id
    RETURNING j.*;
END
$$ LANGUAGE plpgsql SET enable_sort = off;

-- 2. Every version of a job row (insert, claim, completion: the state is indexed, so none is a HOT update) writes an
--    entry into each index. The login_id expression index is read only for bank-sync jobs (cancelling a login's
--    syncs: args ->> 'login_id' = $1, which implies IS NOT NULL, so the planner uses the partial index); a payment
--    job carried a NULL entry in it three times over.
DROP INDEX jobs.jobs_args_login_id_index;
CREATE INDEX jobs_args_login_id_index ON jobs.jobs ((args ->> 'login_id')) WHERE (args ->> 'login_id') IS NOT NULL;
