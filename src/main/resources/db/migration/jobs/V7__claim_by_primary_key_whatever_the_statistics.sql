-- Issue 8, the async posting path: the claim (jobs.claim, jobs/V4) moves the jobs it picked through their primary key,
-- whatever the table looked like when its plan was made — as jobs/V6 did for the fence and the completion.
--
-- Why: jobs/V4 made the claim's pick (the ordered scan of jobs_claim_index) independent of the statistics, but not
-- the UPDATE that moves the picked jobs to executing (FROM next WHERE j.id = next.id). PL/pgSQL keeps a plan per
-- connection, and a node's first claims run on an idle node, on a jobs table with no pages yet (a fresh database,
-- or one its VACUUM truncated): PostgreSQL then estimates one row, and the plan it keeps is a nested loop that reads
-- the WHOLE table and compares every row with each picked id. Nothing replans it until the table's pg_class row
-- changes (the node's own VACUUM, every jobs.vacuum_interval_ms). Caught with auto_explain in the benchmark's async
-- figure: every claim of 100 took 150-300 ms of CPU (Seq Scan on jobs j, Join Filter: j.id = next.id) over the
-- ~50k job rows of the warm-up, and the workers crawled until the next VACUUM replanned it; whether a VACUUM fell
-- between the warm-up and the timed run decided the figure (same build, service-only runs: the last accepted payment
-- was posted 26-32 s after the 3 s accept window in four runs, 0.8-1.2 s after it in two others).
--
-- How: the claim is planned afresh on every call (plan_cache_mode force_custom_plan; one claim per batch of up to
-- jobs.batch_size jobs, ~0.3 ms of planning), so the plan always sees the table as it is (its actual size, whatever
-- pg_class says). Keeping a plan and ruling plans out instead did not hold: with enable_seqscan off the kept plan read
-- the whole primary key as the outer side of the same loop, and with the ids as one array it read the whole
-- (queue, inserted_at, id) index for them (auto_explain and EXPLAIN on a table vacuumed while empty). Same statement,
-- rows, locks and answers as jobs/V4: jobs_claim_index in (priority, scheduled_at, id) order, FOR UPDATE SKIP LOCKED,
-- LIMIT p_limit, enable_sort off.
CREATE OR REPLACE FUNCTION jobs.claim(p_queue text, p_workers text[], p_limit integer, p_runner text,
                                      p_lease_seconds integer)
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
$$ LANGUAGE plpgsql SET enable_sort = off SET plan_cache_mode = force_custom_plan;
