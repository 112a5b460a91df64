-- Issue 8, the async posting path: the fence (jobs.lock_owned) and the completion (jobs.complete_all) of a batch
-- reach each job through its primary key, whatever the table's statistics say (jobs/V5 meant to, and did not).
--
-- Why: both name a job by id AND state = 'executing', and jobs_state_inserted_at_index (state, inserted_at) answers
-- the second condition. Statistics taken while few jobs were executing (an ANALYZE on an idle node: the common
-- case) make the planner expect ONE executing row, and then the state index and the primary key cost the same; it
-- picked the state index. That index range holds every executing job of every runner, plus an entry for each
-- executing version of a job since the last VACUUM. Measured on a copy of the benchmark's database (3,000 jobs
-- accepted, 1,000 claimed by another runner, statistics from the idle table): the fence of a batch of 100 read the
-- range once per job (63 ms), and the completion, a join on ctid with that range on the outside, read it once per
-- job per executing job (110,000 index probes): 17.6 s for one batch of 100. Each statement below reads by id:
-- the batch of 100 then took 47 ms, postings included.
--
-- How: the state is compared as an expression (state || ''), which no index of the table answers, so each job is
-- found by its primary key (the only index left for id = ...); enable_seqscan off keeps a table estimated small
-- from being read whole instead, and the completion's join stays a nested loop over the given ids. Same rows, same
-- locks, same answers as jobs/V5:
--   * lock_owned: the given (id, attempt) pairs sorted by id, each job probed by id in a LATERAL sub-select that
--     locks it (FOR UPDATE) only while this runner owns the attempt (locked_by, state executing, attempt); rows
--     come back, and are locked, in id order.
--   * complete_all: each given (id, attempt) still executing is completed once (an id given twice counts once);
--     the count says how many.
CREATE OR REPLACE FUNCTION jobs.lock_owned(p_ids uuid[], p_attempts integer[], p_runner text)
RETURNS SETOF jobs.jobs AS $$
BEGIN
    RETURN QUERY
    SELECT j.*
      FROM (SELECT o.id, o.attempt FROM unnest(p_ids, p_attempts) AS o(id, attempt) ORDER BY o.id) o
     CROSS JOIN LATERAL (SELECT * FROM jobs.jobs k
                          WHERE k.id = o.id AND k.attempt = o.attempt AND k.locked_by = p_runner
                            AND k.state || '' = 'executing'     -- not an index condition: see the top
                            FOR UPDATE) j;
END
$$ LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET enable_seqscan = off;

CREATE OR REPLACE FUNCTION jobs.complete_all(p_ids uuid[], p_attempts integer[], p_results jsonb[])
RETURNS integer AS $$
DECLARE
    v_done integer;
BEGIN
    UPDATE jobs.jobs j
       SET state = 'completed', completed_at = date_trunc('second', now()), result = o.result, locked_by = NULL,
           lease_until = NULL
      FROM unnest(p_ids, p_attempts, p_results) AS o(id, attempt, result)
     WHERE j.id = o.id AND j.attempt = o.attempt AND j.state || '' = 'executing';  -- not an index condition
    GET DIAGNOSTICS v_done = ROW_COUNT;
    RETURN v_done;
END
$$ LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_hashjoin = off
                    SET enable_mergejoin = off;
