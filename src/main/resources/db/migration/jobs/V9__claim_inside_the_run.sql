-- Issue 8, the async posting path: a batch worker may pick, run and complete its jobs in ONE transaction
-- (BatchJobWorker#claimAndRun; the payment worker's is payments.claim_and_post_payment_jobs, payments/V24).
--
-- Why: a claimed job is written three times (enqueued, claimed, completed). The claim's version exists only so that
-- a lease says who runs the job while the worker's own transaction has not begun: a full row version with an entry
-- in every index of the table, a commit and a round trip per batch. A job picked FOR UPDATE inside the transaction
-- that runs it needs no lease: the row lock says who runs it, and if the node dies the transaction rolls back and
-- the job is waiting again, untouched. The job goes from waiting to completed in one version.
--
-- These three functions are that path's job-side statements; the worker's function calls them inside its own.
-- Each reaches its rows the way jobs.claim (jobs/V7) and jobs.complete_all (jobs/V6) do, whatever the statistics.

-- The jobs jobs.claim would take (same order, same SKIP LOCKED), locked FOR UPDATE but not moved: the caller's
-- transaction then completes them (jobs.complete_picked), claims the ones it could not finish
-- (jobs.lease_picked), and leaves the rest waiting, untouched, when it commits.
CREATE FUNCTION jobs.pick(p_queue text, p_workers text[], p_limit integer)
RETURNS SETOF jobs.jobs AS $$
BEGIN
    RETURN QUERY
    SELECT j.* FROM jobs.jobs j
     WHERE j.queue = p_queue AND j.worker = ANY (p_workers) AND j.state IN ('available', 'scheduled', 'retryable')
       AND j.scheduled_at <= now()
     ORDER BY j.priority, j.scheduled_at, j.id
     LIMIT p_limit
       FOR UPDATE SKIP LOCKED;
END
$$ LANGUAGE plpgsql SET enable_sort = off SET plan_cache_mode = force_custom_plan;

-- Picked jobs that ran and succeeded in the caller's transaction: one attempt more, completed with their result, as
-- if claimed and completed (attempted_at and completed_at now, no lease). Answers how many.
--
-- One statement for the batch: a nested loop over the given ids with a primary-key probe each, planned afresh on
-- every call. A plan kept across calls is made from the table as it was then: in the benchmark the plan a worker
-- connection kept for the first version (complete_all's ctid join) read the whole jobs table at every call (38 ms
-- per batch of ~60 at 24k jobs, against 5 ms for the same call planned afresh), and a kept plan of this join made
-- while the table was nearly empty (a fresh node; an idle node's vacuum) made the async figure 0.34 instead of 0.59,
-- 1.47 ms of database CPU per payment instead of 0.82. Planned per call (as jobs.claim, jobs/V7), with sequential
-- scans, hash and merge joins off, only the nested loop of probes is left. One UPDATE per job had the same
-- throughput (pgbench, two sessions running the worker's function: 3,408 vs 3,515 jobs/s) but re-reads the table's
-- CHECK constraints and opens its indexes once per job.
CREATE FUNCTION jobs.complete_picked(p_ids uuid[], p_results jsonb[])
RETURNS integer AS $$
DECLARE
    v_done integer;
BEGIN
    UPDATE jobs.jobs j
       SET state = 'completed', attempt = j.attempt + 1, attempted_at = date_trunc('second', now()),
           completed_at = date_trunc('second', now()), result = o.result, locked_by = NULL, lease_until = NULL
      FROM unnest(p_ids, p_results) AS o(id, result)
     WHERE j.id = o.id;
    GET DIAGNOSTICS v_done = ROW_COUNT;
    RETURN v_done;
END
$$ LANGUAGE plpgsql SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
   SET plan_cache_mode = force_custom_plan;

-- Picked jobs that ran and failed (their effects undone; each id once): claimed exactly as jobs.claim would have
-- (executing, one attempt more, this runner's lease), so the runner records the failure the way it does for any
-- claimed job. One UPDATE per job by its primary key (a rare path: rule failures), planned per call like the others.
CREATE FUNCTION jobs.lease_picked(p_ids uuid[], p_runner text, p_lease_seconds integer)
RETURNS SETOF jobs.jobs AS $$
BEGIN
    FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
        RETURN QUERY
        UPDATE jobs.jobs j
           SET state = 'executing', attempt = j.attempt + 1, attempted_at = date_trunc('second', now()),
               locked_by = p_runner, lease_until = now() + p_lease_seconds * interval '1 second'
         WHERE j.id = p_ids[i]
        RETURNING j.*;
    END LOOP;
END
$$ LANGUAGE plpgsql SET enable_seqscan = off SET plan_cache_mode = force_custom_plan;

-- The given jobs as they are now (the runner reads back the jobs a run leased, to record their failures): each by its
-- primary key, planned per call like the statements above, so that a plan kept from an idle node's empty table
-- cannot read the whole table.
CREATE FUNCTION jobs.get_all(p_ids uuid[])
RETURNS SETOF jobs.jobs AS $$
BEGIN
    RETURN QUERY
    SELECT j.* FROM jobs.jobs j WHERE j.id = ANY (p_ids);
END
$$ LANGUAGE plpgsql STABLE SET enable_seqscan = off SET plan_cache_mode = force_custom_plan;
