-- Issue 8: the job runner's other statements on the jobs table are planned on every call too, for the reason of
-- jobs/V7 (the claim). JobStore ran them as prepared statements, which each pool connection keeps as a generic plan
-- after five runs; made while the table was empty and vacuumed (an idle node: pg_class says 0 pages, 0 rows), that
-- plan reads the whole table — and for the statements that pick their rows in a sub-select (IN (SELECT ... FOR UPDATE
-- SKIP LOCKED)), once per row of the table: a nested loop semi join with a sequential scan on each side. Measured with
-- the heartbeat's statement on a 20,000-row table with 200 running jobs, planned while empty: 30.9 s for one
-- heartbeat (EXPLAIN ANALYZE: 20,000 loops of a 20,000-row scan), longer than the 30 s lease it extends, holding the
-- locks of the rows it picked meanwhile. Planned per call (plan_cache_mode force_custom_plan, each statement here runs
-- at most once a second per queue), every plan sees the table's actual size and probes the primary key or the lease
-- index. Same statements, rows, locks and answers as JobStore's:
--   * heartbeat: the leases of the given jobs this runner still holds (executing), rows held elsewhere skipped;
--   * release: the same jobs back to available (a stopping runner);
--   * lock_expired: the executing job of the queue whose lease ran out first, locked (the rescue; the caller's
--     transaction holds it);
--   * expire_node: the leases of a node that left the cluster end now (rows its open transactions hold skipped).
-- Each answers how many rows it changed (lock_expired: the row).

CREATE FUNCTION jobs.heartbeat(p_ids uuid[], p_runner text, p_lease_seconds integer) RETURNS integer AS $$
DECLARE
    v_n integer;
BEGIN
    UPDATE jobs.jobs SET lease_until = now() + p_lease_seconds * interval '1 second'
     WHERE id IN (SELECT id FROM jobs.jobs WHERE id = ANY (p_ids) AND locked_by = p_runner
                                                AND state || '' = 'executing'
                  FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS v_n = ROW_COUNT;
    RETURN v_n;
END
$$ LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan;

CREATE FUNCTION jobs.release(p_ids uuid[], p_runner text) RETURNS integer AS $$
DECLARE
    v_n integer;
BEGIN
    UPDATE jobs.jobs SET state = 'available', scheduled_at = date_trunc('second', now()), locked_by = NULL,
                         lease_until = NULL
     WHERE id IN (SELECT id FROM jobs.jobs WHERE id = ANY (p_ids) AND locked_by = p_runner
                                                AND state || '' = 'executing'
                  FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS v_n = ROW_COUNT;
    RETURN v_n;
END
$$ LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan;

CREATE FUNCTION jobs.lock_expired(p_queue text, p_workers text[]) RETURNS SETOF jobs.jobs AS $$
BEGIN
    RETURN QUERY
    SELECT * FROM jobs.jobs
     WHERE queue = p_queue AND worker = ANY (p_workers) AND state = 'executing' AND lease_until < now()
     ORDER BY lease_until LIMIT 1
       FOR UPDATE SKIP LOCKED;
END
$$ LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan;

CREATE FUNCTION jobs.expire_node(p_queue text, p_locked_by_like text) RETURNS integer AS $$
DECLARE
    v_n integer;
BEGIN
    UPDATE jobs.jobs SET lease_until = now() - interval '1 second'
     WHERE id IN (SELECT id FROM jobs.jobs WHERE queue = p_queue AND state = 'executing'
                                                AND locked_by LIKE p_locked_by_like AND lease_until >= now()
                  FOR UPDATE SKIP LOCKED);
    GET DIAGNOSTICS v_n = ROW_COUNT;
    RETURN v_n;
END
$$ LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan;
