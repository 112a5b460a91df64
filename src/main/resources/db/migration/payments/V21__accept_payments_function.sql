-- Issue 8, the async accept (POST /payments/{id}/process with Prefer: respond-async): the accept statement of
-- PaymentRepository (a batch of requests: check, PENDING -> PROCESSING, one PaymentWorker job per accepted payment)
-- as a function whose plan is made once per connection.
--
-- Why: as a prepared statement it was planned again on EVERY execution. Its array parameters make a custom plan
-- (which knows the batch's length) always look cheaper than the generic one (which assumes ten elements), so
-- PostgreSQL's plan cache never switched to the generic plan (pg_prepared_statements: generic_plans 0, custom_plans
-- = every execution). Planning the six CTEs took 0.35-0.6 ms per statement, as much as accepting two of its payments
-- (EXPLAIN ANALYZE, a batch of five), and perf on the backends under the async benchmark showed ~9 % of their CPU in
-- top-level planning. The generic plan is the same nested loop over the primary key (unnest of the ids, one index
-- probe per payment); plan_cache_mode on the function keeps PL/pgSQL's plan cache on it.
--
-- The statement is the one PaymentRepository ran (same locks in id order, same re-check of PENDING under the lock,
-- same job row, same answer per request in request order), so every answer and race is unchanged.
CREATE FUNCTION payments.accept_payments(p_payment_ids uuid[], p_caller_ids uuid[], p_caller_is_admin boolean[],
                                         p_worker text, p_queue text, p_max_attempts integer,
                                         p_timeout_seconds integer)
RETURNS TABLE (accept_ord bigint, payment_status text, payment_user_id uuid, accepted_job_id uuid,
               accepted_job_state text) AS $$
BEGIN
    RETURN QUERY
    WITH req AS (
      SELECT r.ord, r.payment_id, r.caller_id, r.caller_is_admin
        FROM unnest(p_payment_ids, p_caller_ids, p_caller_is_admin)
             WITH ORDINALITY AS r(payment_id, caller_id, caller_is_admin, ord)),
    seen AS (
      SELECT r.ord, p.id, p.user_id, p.status,
             p.status = 'PENDING' AND (r.caller_is_admin OR p.user_id = r.caller_id) AS may_accept
        FROM req r LEFT JOIN payments.user_payments p ON p.id = r.payment_id),
    winner AS (
      SELECT DISTINCT ON (s.id) s.ord, s.id FROM seen s WHERE s.may_accept ORDER BY s.id, s.ord),
    locked AS (
      SELECT u.id FROM payments.user_payments u JOIN winner w ON w.id = u.id
       ORDER BY u.id
         FOR NO KEY UPDATE OF u),
    moved AS (
      UPDATE payments.user_payments u SET status = 'PROCESSING', updated_at = date_trunc('second', now())
        FROM locked l
       WHERE u.id = l.id AND u.status = 'PENDING'
      RETURNING u.id, u.user_id),
    job AS (
      INSERT INTO jobs.jobs (worker, queue, args, unique_key, max_attempts, timeout_seconds, user_id)
      SELECT p_worker, p_queue, jsonb_build_object('payment_id', m.id::text), m.id::text, p_max_attempts,
             p_timeout_seconds, m.user_id
        FROM moved m
      RETURNING jobs.jobs.id, jobs.jobs.state, jobs.jobs.args ->> 'payment_id' AS payment_id)
    SELECT s.ord, s.status::text, s.user_id, j.id, j.state::text
      FROM seen s LEFT JOIN winner w ON w.ord = s.ord LEFT JOIN job j ON j.payment_id = w.id::text
     ORDER BY s.ord;
END
$$ LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan;
