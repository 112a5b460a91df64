-- Issue 8, the async posting path: the fence (jobs.lock_owned) and the completion (jobs.complete_all) of a batch of
-- claimed jobs reach each job through its primary key, whatever the table's statistics say.
--
-- Why: both joined the given ids to jobs.jobs WHERE state = 'executing', and the planner (expecting ten ids from the
-- unnest and a handful of executing jobs) read every job the partial index jobs_lease_until_index listed as
-- executing, then matched the ids in a join. That index keeps an entry for every claimed version of a job until
-- VACUUM removes it, so under the async benchmark one fence of 46 jobs read 6,348 index entries and 407 heap pages
-- (EXPLAIN ANALYZE on the benchmark's database: 1.3-2.3 ms), and the completion the same again (1.2 ms of its 3.9 ms);
-- the cost grew with the jobs claimed since the last VACUUM, not with the batch. Probed by primary key (below): 46 index
-- probes, 0.35 ms for the fence.
--
-- Same rows, same locks, same answers:
--   * lock_owned: the given (id, attempt) pairs sorted by id, each job probed by id in a LATERAL sub-select that
--     locks it (FOR UPDATE, still only while this runner owns the attempt: locked_by, state executing, attempt);
--     the rows come back and are locked in id order, as before (ORDER BY j.id ... FOR UPDATE).
--   * complete_all: the row of each given (id, attempt) still executing is found by id, then updated by its tuple id.
--     The caller holds those rows (after lock_owned, as its contract says), so the tuple cannot move in between; if
--     it did, the update would skip the row (the recheck of ctid fails on a newer version) and not count it.
--   * PL/pgSQL instead of SQL, with generic plans: a SQL function's statement was parsed and planned at every call
--     (0.3-0.7 ms), and the array parameters would otherwise make PL/pgSQL re-plan at every call too (payments/V21).
CREATE OR REPLACE FUNCTION jobs.lock_owned(p_ids uuid[], p_attempts integer[], p_runner text)
RETURNS SETOF jobs.jobs AS $$
BEGIN
    RETURN QUERY
    SELECT j.*
      FROM (SELECT o.id, o.attempt FROM unnest(p_ids, p_attempts) AS o(id, attempt) ORDER BY o.id) o
     CROSS JOIN LATERAL (SELECT * FROM jobs.jobs k
                          WHERE k.id = o.id AND k.attempt = o.attempt AND k.locked_by = p_runner
                            AND k.state = 'executing'
                            FOR UPDATE) j;
END
$$ LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan;

CREATE OR REPLACE FUNCTION jobs.complete_all(p_ids uuid[], p_attempts integer[], p_results jsonb[])
RETURNS integer AS $$
DECLARE
    v_done integer;
BEGIN
    UPDATE jobs.jobs j
       SET state = 'completed', completed_at = date_trunc('second', now()), result = x.result, locked_by = NULL,
           lease_until = NULL
      FROM (SELECT k.tid, o.result
              FROM unnest(p_ids, p_attempts, p_results) AS o(id, attempt, result)
             CROSS JOIN LATERAL (SELECT r.ctid AS tid FROM jobs.jobs r
                                  WHERE r.id = o.id AND r.attempt = o.attempt AND r.state = 'executing'
                                 OFFSET 0) k) x
     WHERE j.ctid = x.tid AND j.state = 'executing';
    GET DIAGNOSTICS v_done = ROW_COUNT;
    RETURN v_done;
END
$$ LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan;
