-- Slice "jobs": the job store's statements as functions, so a context can enqueue, fence and complete jobs inside
-- ONE statement of its own (payments.accept_payment enqueues; payments.post_payment_jobs fences, posts and completes
-- a whole batch in a single autocommit statement). JobStore (Java) calls the same functions, so each rule has one
-- definition. Lock order everywhere: job rows (by id) → the rows of the context.

-- The outcome of jobs.enqueue: the job, and whether it already existed within its uniqueness window.
CREATE TYPE jobs.enqueued AS (duplicate boolean, job jobs.jobs);

-- Insert a job. A unique spec (key and window > 0) returns the newest job of the same worker and key inserted within
-- the window and still available/scheduled/executing/retryable/completed instead (SPEC §7.2). Concurrent enqueues of
-- one key are serialised by a transaction-scoped advisory lock; the lookup after it sees the winner's committed row
-- (each statement of a plpgsql function takes a fresh snapshot).
CREATE FUNCTION jobs.enqueue(p_worker text, p_queue text, p_args jsonb, p_unique_key text, p_unique_seconds integer,
                             p_priority integer, p_max_attempts integer, p_timeout_seconds integer, p_user_id uuid,
                             p_scheduled_at timestamptz)
RETURNS jobs.enqueued AS $$
DECLARE
    v_job jobs.jobs;
    v_out jobs.enqueued;
BEGIN
    IF p_unique_key IS NOT NULL AND p_unique_seconds > 0 THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('jobs:' || p_worker || ':' || p_unique_key, 0));
        SELECT * INTO v_job FROM jobs.jobs j
         WHERE j.worker = p_worker AND j.unique_key = p_unique_key
           AND j.inserted_at >= date_trunc('second', now()) - p_unique_seconds * interval '1 second'
           AND j.state IN ('available', 'scheduled', 'executing', 'retryable', 'completed')
         ORDER BY j.inserted_at DESC, j.id DESC
         LIMIT 1;
        IF FOUND THEN
            v_out.duplicate := true;
            v_out.job := v_job;
            RETURN v_out;
        END IF;
    END IF;
    INSERT INTO jobs.jobs (worker, queue, state, args, unique_key, priority, max_attempts, timeout_seconds, user_id,
                           scheduled_at)
    VALUES (p_worker, p_queue, CASE WHEN p_scheduled_at > now() THEN 'scheduled' ELSE 'available' END, p_args,
            p_unique_key, p_priority, p_max_attempts, p_timeout_seconds, p_user_id,
            COALESCE(p_scheduled_at, date_trunc('second', now())))
    RETURNING * INTO v_job;
    v_out.duplicate := false;
    v_out.job := v_job;
    RETURN v_out;
END
$$ LANGUAGE plpgsql;

-- The fence: of the given (job id, attempt) pairs, the jobs that runner p_runner still owns (executing, same attempt,
-- its lease) — locked FOR UPDATE in id order. A job missing from the answer was lost: its lease expired and another
-- runner rescued it, so this attempt must not complete it (and its effects must not commit).
CREATE FUNCTION jobs.lock_owned(p_ids uuid[], p_attempts integer[], p_runner text)
RETURNS SETOF jobs.jobs AS $$
    SELECT j.*
      FROM jobs.jobs j
      JOIN unnest(p_ids, p_attempts) AS o(id, attempt) ON o.id = j.id AND o.attempt = j.attempt
     WHERE j.locked_by = p_runner AND j.state = 'executing'
     ORDER BY j.id
       FOR UPDATE OF j
$$ LANGUAGE sql;

-- Complete the given attempts with their results (call it on rows the caller holds, i.e. after jobs.lock_owned);
-- answers how many were completed.
CREATE FUNCTION jobs.complete_all(p_ids uuid[], p_attempts integer[], p_results jsonb[])
RETURNS integer AS $$
    WITH done AS (
        UPDATE jobs.jobs j
           SET state = 'completed', completed_at = date_trunc('second', now()), result = o.result, locked_by = NULL,
               lease_until = NULL
          FROM unnest(p_ids, p_attempts, p_results) AS o(id, attempt, result)
         WHERE j.id = o.id AND j.attempt = o.attempt AND j.state = 'executing'
        RETURNING 1)
    SELECT count(*)::integer FROM done
$$ LANGUAGE sql;
