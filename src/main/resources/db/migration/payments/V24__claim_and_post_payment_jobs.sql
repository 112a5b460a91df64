-- Issue 8, the async posting path: the payment worker picks, posts and completes a batch of its jobs in ONE
-- statement and transaction (PaymentWorker#claimAndRun), where it used to claim them first (a statement and a commit
-- that wrote every job again, with its lease) and then post them (payments.post_payment_jobs).
--
-- Exactly-once as before: the postings and the jobs' completions commit together or not at all. A node that dies
-- mid-statement leaves its jobs waiting, untouched (no lease to expire: the row lock said who ran them, and it went
-- with the transaction). See jobs/V9 for the job side.
--
-- Per job, in the order jobs.claim would take them (the same answers as post_payment_jobs gives a claimed job):
--   * payment missing → payment_not_found; COMPLETED → success, nothing posted again; not PROCESSING →
--     already_processed; else SPEC §6.6's rules and the posting (post_on_account, as post_locked_payment does);
--   * success: the job completed with {payment_id, status} (jobs.complete_picked);
--   * failure: the job claimed as jobs.claim would have (executing, this runner's lease; jobs.lease_picked) with its
--     effects undone, and answered: the runner then records the failure as for any claimed job (retry or dead
--     letter, and the payment FAILED with the reason).
--   * deferred: a job whose account another transaction holds is not run and stays waiting, untouched (answered with
--     deferred = true). The statement never waits for an account: two batches of the same node over the same busy
--     accounts no longer queue behind each other (each posts what it can lock), and a statement that waits for no
--     account takes no part in a lock cycle through them. A batch that could defer every job it picked makes the
--     runner claim them the old way (a lease, then post_payment_jobs, which waits its turn): no job starves.
--
-- Locks: the picked jobs (SKIP LOCKED), their accounts in id order (SKIP LOCKED), then the payments of the accounts
-- it holds, in id order (waiting). Unlike the other posting paths this one waits for payments while it holds
-- accounts; no cycle can form through that: the payments are those of waiting jobs it picked (one job per payment:
-- only the accept enqueues one, once), which a leased batch (post_payment_jobs, payments then accounts) never holds,
-- and the sync paths lock a PROCESSING payment only to answer already_processed, holding no account. The payments
-- of deferred jobs are not locked at all.
CREATE FUNCTION payments.claim_and_post_payment_jobs(p_queue text, p_worker text, p_limit integer, p_runner text,
                                                     p_lease_seconds integer, p_max_single numeric,
                                                     p_daily_limits jsonb, p_default_daily_limit numeric,
                                                     p_duplicate_minutes integer)
RETURNS TABLE (job_id uuid, deferred boolean, outcome payments.posting_result) AS $$
DECLARE
    v_ids         uuid[];            -- the picked jobs, in pick order, with their payments
    v_payment_ids uuid[];
    v_held        uuid[];            -- the accounts this transaction holds
    v_payment     payments.user_payments;
    v_done_ids    uuid[] := '{}';
    v_done_result jsonb[] := '{}';
    v_failed_ids  uuid[] := '{}';
BEGIN
    SELECT coalesce(array_agg(p.id ORDER BY p.ordinality), '{}'),
           coalesce(array_agg(payments.uuid_or_null(p.args ->> 'payment_id') ORDER BY p.ordinality), '{}')
      INTO v_ids, v_payment_ids
      FROM jobs.pick(p_queue, ARRAY[p_worker], p_limit) WITH ORDINALITY AS p;

    SELECT coalesce(array_agg(h.id), '{}') INTO v_held
      FROM (SELECT a.id FROM payments.user_bank_accounts a
             WHERE a.id IN (SELECT u.user_bank_account_id FROM payments.user_payments u
                             WHERE u.id = ANY (v_payment_ids))
             ORDER BY a.id
               FOR NO KEY UPDATE SKIP LOCKED) h;
    PERFORM 1 FROM payments.user_payments u
     WHERE u.id = ANY (v_payment_ids) AND u.user_bank_account_id = ANY (v_held)
     ORDER BY u.id
       FOR NO KEY UPDATE;

    FOR i IN 1 .. coalesce(array_length(v_ids, 1), 0) LOOP
        job_id := v_ids[i];
        deferred := false;
        outcome := NULL;
        SELECT * INTO v_payment FROM payments.user_payments u WHERE u.id = v_payment_ids[i];
        IF NOT FOUND THEN
            outcome.reason := 'payment_not_found';
        ELSIF v_payment.status = 'COMPLETED' THEN
            outcome.payment := v_payment;
        ELSIF v_payment.status <> 'PROCESSING' THEN
            outcome.reason := 'already_processed';
            outcome.payment_status := v_payment.status;
            outcome.payment := v_payment;
        ELSIF NOT (v_payment.user_bank_account_id = ANY (v_held)) THEN
            deferred := true;
            RETURN NEXT;
            CONTINUE;
        ELSE
            outcome := payments.post_locked_payment(v_payment, p_max_single, p_daily_limits, p_default_daily_limit,
                                                    p_duplicate_minutes);
        END IF;
        IF outcome.reason IS NULL THEN
            v_done_ids := v_done_ids || v_ids[i];
            v_done_result := v_done_result
                || jsonb_build_object('payment_id', v_payment.id::text, 'status', (outcome.payment).status);
        ELSE
            v_failed_ids := v_failed_ids || v_ids[i];
        END IF;
        RETURN NEXT;
    END LOOP;
    PERFORM jobs.complete_picked(v_done_ids, v_done_result);
    PERFORM jobs.lease_picked(v_failed_ids, p_runner, p_lease_seconds);
END
$$ LANGUAGE plpgsql;
