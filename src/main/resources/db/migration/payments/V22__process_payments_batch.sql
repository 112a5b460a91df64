-- Issue 8, the sync posting (POST /payments/{id}/process without Prefer: respond-async and without an
-- Idempotency-Key): the requests of one node that wait while its posting statements run are posted together, by ONE
-- statement in ONE transaction (PaymentService's ProcessBatcher; an idle node still posts each request at once
-- with payments.process_payment).
--
-- Why: one account posts one payment at a time, and its row lock is held until the commit is durable. On one busy
-- account every posting paid the lock hand-over (the next waiter's wake-up, on a loaded 2-core machine often a
-- scheduling delay) and its own commit (a WAL flush, ~100 µs here) while the lock was held. A batch pays both once
-- for all its payments, and saves a round trip and a commit per payment on a spread load too.
--
-- Same answers as process_payment for each request, in request order (ord): every request gets
-- lock_pending_payment's checks (payment_not_found → insufficient_permissions → already_processed) and then
-- post_locked_payment's rules and writes (the workers' path: the same posting_rules and post_on_account as the
-- single statement's). The requests are posted one after another inside the transaction, so each sees the balance,
-- daily total and ledger rows of those before it — SPEC §6.6's rules hold exactly as if they had come one by one.
-- A payment asked for twice posts once; its second request finds it COMPLETED (already_processed).
--
-- Locks, all taken before the first posting: the payments this batch may post (PENDING, and the caller may process
-- them), in id order, then their accounts, in id order — the order of post_payment_jobs (the workers). Two batches
-- (or a batch and a worker batch, or a batch and a single posting, which holds one payment and then one account)
-- never wait on each other in a cycle: a transaction waiting for a payment holds no account yet, and accounts are
-- always taken in id order. A payment another transaction moves out of PENDING while this one waits for it is
-- skipped by the lock (the row is re-checked) and answered already_processed.
--
-- plan_cache_mode as in payments/V21: the array parameters would otherwise make PostgreSQL plan the lock statements
-- afresh on every call.
CREATE FUNCTION payments.process_payments(p_payment_ids uuid[], p_caller_ids uuid[], p_caller_is_admin boolean[],
                                          p_max_single numeric, p_daily_limits jsonb,
                                          p_default_daily_limit numeric, p_duplicate_minutes integer)
RETURNS TABLE (ord integer, outcome payments.posting_result) AS $$
BEGIN
    PERFORM 1
       FROM payments.user_payments u
       JOIN unnest(p_payment_ids, p_caller_ids, p_caller_is_admin) AS q(payment_id, caller_id, caller_is_admin)
         ON q.payment_id = u.id
      WHERE u.status = 'PENDING' AND (q.caller_is_admin OR u.user_id = q.caller_id)
      ORDER BY u.id
        FOR NO KEY UPDATE OF u;
    PERFORM 1
       FROM payments.user_bank_accounts a
      WHERE a.id IN (SELECT u.user_bank_account_id
                       FROM payments.user_payments u
                       JOIN unnest(p_payment_ids, p_caller_ids, p_caller_is_admin)
                            AS q(payment_id, caller_id, caller_is_admin) ON q.payment_id = u.id
                      WHERE u.status = 'PENDING' AND (q.caller_is_admin OR u.user_id = q.caller_id))
      ORDER BY a.id
        FOR NO KEY UPDATE;     -- not FOR UPDATE: new payments may still reference the account (their FK check)

    FOR i IN 1 .. coalesce(array_length(p_payment_ids, 1), 0) LOOP
        ord := i;
        outcome := payments.lock_pending_payment(p_payment_ids[i], p_caller_ids[i], p_caller_is_admin[i]);
        IF outcome.reason IS NULL THEN
            outcome := payments.post_locked_payment(outcome.payment, p_max_single, p_daily_limits,
                                                    p_default_daily_limit, p_duplicate_minutes);
        END IF;
        RETURN NEXT;
    END LOOP;
END
$$ LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan;
