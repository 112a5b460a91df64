-- Posting in one round trip (issue 8, SPEC §6.6, §15). The rules of §6.6 are re-checked inside PostgreSQL while the
-- account row is locked, and the posting (balance, ledger row, payment COMPLETED) is written by the same statement,
-- so an account's lock is held only inside the database, never across network hops.
--
--   payments.account_daily_totals   running per-account, per-UTC-day DEBIT totals (the daily-limit facts), kept by a
--                                   trigger on user_payments, so every path that completes or deletes a payment (API,
--                                   worker, demo seed, plain SQL) keeps them exact
--   payments.daily_spent(), payments.is_duplicate()
--                                   the facts of the daily-limit and duplicate rules, shared by the posting and by the
--                                   validate/status routes
--   payments.post_locked_payment()  THE place that writes a posting (the caller holds the payment row)
--   payments.lock_pending_payment() the route's checks before the rules: exists, may process, PENDING (+ the lock)
--   payments.process_payment()      POST /payments/{id}/process, synchronous: the whole route in one statement
--   payments.accept_payment()       the same with Prefer: respond-async: PENDING → PROCESSING + a PaymentWorker job
--   payments.post_payment_jobs()    the payment workers: fence, post and complete a batch of claimed jobs at once
--
-- Java keeps the rules as pure functions (TransferPolicy) for the validate dry run and for the wording of failures:
-- these functions answer the first failing check's reason plus the facts it looked at, and Java formats the problem
-- from them (a test runs one table of scenarios through both and requires the same outcome).
-- Lock order of every writer: job rows (by id) → payment rows (by id) → account rows (by id).
-- The functions refer to the jobs slice (migrated after this one); plpgsql resolves those names when it runs.

-- ---------------------------------------------------------------- running daily totals

CREATE TABLE payments.account_daily_totals (
    account_id  uuid          NOT NULL,
    day         date          NOT NULL,          -- the UTC day of posted_at
    debit_total numeric(20,2) NOT NULL,          -- sum of the COMPLETED DEBIT payments of that account and day
    CONSTRAINT account_daily_totals_pkey PRIMARY KEY (account_id, day),
    CONSTRAINT account_daily_totals_account_id_fkey FOREIGN KEY (account_id)
        REFERENCES payments.user_bank_accounts (id) ON DELETE CASCADE
);

-- A payment counts while it is a COMPLETED DEBIT with a posted_at; any insert, update or delete that changes whether
-- or how much it counts moves the total of its (account, UTC day). Upsert: atomic under concurrent writers.
CREATE FUNCTION payments.user_payments_daily_totals() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.status = 'COMPLETED' AND OLD.direction = 'DEBIT' AND OLD.posted_at IS NOT NULL THEN
            UPDATE payments.account_daily_totals t
               SET debit_total = t.debit_total - OLD.amount
             WHERE t.account_id = OLD.user_bank_account_id AND t.day = (OLD.posted_at AT TIME ZONE 'UTC')::date;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF NEW.status = 'COMPLETED' AND NEW.direction = 'DEBIT' AND NEW.posted_at IS NOT NULL THEN
            INSERT INTO payments.account_daily_totals AS t (account_id, day, debit_total)
            VALUES (NEW.user_bank_account_id, (NEW.posted_at AT TIME ZONE 'UTC')::date, NEW.amount)
            ON CONFLICT ON CONSTRAINT account_daily_totals_pkey
            DO UPDATE SET debit_total = t.debit_total + EXCLUDED.debit_total;
        END IF;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- AFTER (not BEFORE) so a row skipped by ON CONFLICT DO NOTHING or rejected by a constraint never counts.
CREATE TRIGGER user_payments_daily_totals_insert
    AFTER INSERT ON payments.user_payments
    FOR EACH ROW WHEN (NEW.status = 'COMPLETED' AND NEW.direction = 'DEBIT')
    EXECUTE FUNCTION payments.user_payments_daily_totals();

CREATE TRIGGER user_payments_daily_totals_update
    AFTER UPDATE ON payments.user_payments
    FOR EACH ROW WHEN ((OLD.status = 'COMPLETED' AND OLD.direction = 'DEBIT'
                        OR NEW.status = 'COMPLETED' AND NEW.direction = 'DEBIT')
                       AND (OLD.status, OLD.direction, OLD.amount, OLD.posted_at, OLD.user_bank_account_id)
                           IS DISTINCT FROM
                           (NEW.status, NEW.direction, NEW.amount, NEW.posted_at, NEW.user_bank_account_id))
    EXECUTE FUNCTION payments.user_payments_daily_totals();

CREATE TRIGGER user_payments_daily_totals_delete
    AFTER DELETE ON payments.user_payments
    FOR EACH ROW WHEN (OLD.status = 'COMPLETED' AND OLD.direction = 'DEBIT')
    EXECUTE FUNCTION payments.user_payments_daily_totals();

-- Backfill. The triggers above already hold user_payments against concurrent writers (CREATE TRIGGER locks the
-- table until this migration commits), so no posting can slip between them and this sum.
INSERT INTO payments.account_daily_totals (account_id, day, debit_total)
SELECT user_bank_account_id, (posted_at AT TIME ZONE 'UTC')::date, sum(amount)
  FROM payments.user_payments
 WHERE status = 'COMPLETED' AND direction = 'DEBIT' AND posted_at IS NOT NULL
 GROUP BY 1, 2;

-- ---------------------------------------------------------------- the facts of the rules (SPEC §6.3)

-- dailyLimit's fact: the account's COMPLETED DEBITs posted on the current UTC day.
CREATE FUNCTION payments.daily_spent(p_account_id uuid) RETURNS numeric AS $$
    SELECT COALESCE((SELECT t.debit_total FROM payments.account_daily_totals t
                      WHERE t.account_id = p_account_id AND t.day = (now() AT TIME ZONE 'UTC')::date), 0)
$$ LANGUAGE sql STABLE;

-- duplicate's fact: another COMPLETED payment of the user with equal amount, description and direction posted
-- within the window. The inner query looks rows up by the equality columns only (OFFSET 0 keeps the status and time
-- conditions out of it), so the plan is the index on (user_id, amount, description, direction, status) whatever the
-- statistics say: an index on status or posted_at alone would make the cost grow with the table (stale statistics
-- after a bulk load estimate COMPLETED rows as rare and pick exactly that).
CREATE FUNCTION payments.is_duplicate(p_user_id uuid, p_payment_id uuid, p_amount numeric, p_description text,
                                      p_direction text, p_window_minutes integer) RETURNS boolean AS $$
    SELECT EXISTS (SELECT 1
                     FROM (SELECT p.status, p.posted_at FROM payments.user_payments p
                            WHERE p.user_id = p_user_id AND p.amount = p_amount AND p.description = p_description
                              AND p.direction = p_direction AND p.id <> p_payment_id
                           OFFSET 0) same
                    WHERE same.status = 'COMPLETED'
                      AND same.posted_at >= now() - p_window_minutes * interval '1 minute')
$$ LANGUAGE sql STABLE;

-- ---------------------------------------------------------------- the posting

-- What a posting call answers. reason NULL = posted (or, for a worker, found already posted); otherwise the first
-- failing check as a catalog reason, with the facts that check looked at. payment = the payment row after the call.
CREATE TYPE payments.posting_result AS (
    reason          text,
    payment_status  text,            -- already_processed: the status found
    account_status  text,
    account_type    text,
    account_balance numeric(15,2),
    daily_limit     numeric,
    daily_spent     numeric,         -- DEBIT only, once the funds rule passed
    payment         payments.user_payments
);

-- THE place that writes a posting. The caller holds the payment row (FOR NO KEY UPDATE) and has checked that it may
-- be posted (PENDING for the sync route, PROCESSING for a worker). Locks the account row, then in SPEC §6.6 order:
-- accountActive → amountLimit → sufficientFunds → dailyLimit → duplicate; the first failure writes nothing and is
-- answered with its facts. Otherwise: balance ± amount, one ledger row, payment COMPLETED with posted_at, account
-- updated_at. The running daily total follows from the payment's update (trigger above).
-- Limits are configuration: p_daily_limits maps account_type → limit (as text), the rest fall to the default.
CREATE FUNCTION payments.post_locked_payment(p payments.user_payments, p_max_single numeric, p_daily_limits jsonb,
                                             p_default_daily_limit numeric, p_duplicate_minutes integer)
RETURNS payments.posting_result AS $$
DECLARE
    r         payments.posting_result;
    v_account payments.user_bank_accounts;
    v_posted  payments.user_payments;
    v_now     timestamptz := date_trunc('second', now());
BEGIN
    r.payment := p;
    SELECT * INTO v_account FROM payments.user_bank_accounts a WHERE a.id = p.user_bank_account_id
       FOR NO KEY UPDATE;      -- not FOR UPDATE: new payments may still reference the account (their FK check)
    IF NOT FOUND THEN
        r.reason := 'account_not_found';
        RETURN r;
    END IF;
    r.account_status := v_account.status;
    r.account_type := v_account.account_type;
    r.account_balance := v_account.balance;
    r.daily_limit := COALESCE((p_daily_limits ->> v_account.account_type)::numeric, p_default_daily_limit);

    IF v_account.status <> 'ACTIVE' THEN
        r.reason := 'account_inactive';
        RETURN r;
    END IF;
    IF p.amount > p_max_single THEN
        r.reason := 'amount_exceeds_limit';
        RETURN r;
    END IF;
    IF p.direction = 'DEBIT' THEN
        IF v_account.balance < p.amount THEN
            r.reason := 'insufficient_funds';
            RETURN r;
        END IF;
        -- read after the account lock was granted: a fresh snapshot sees the total of every posting before ours
        r.daily_spent := payments.daily_spent(v_account.id);
        IF r.daily_spent + p.amount > r.daily_limit THEN
            r.reason := 'daily_limit_exceeded';
            RETURN r;
        END IF;
    END IF;
    IF payments.is_duplicate(p.user_id, p.id, p.amount, p.description, p.direction, p_duplicate_minutes) THEN
        r.reason := 'duplicate_transaction';
        RETURN r;
    END IF;

    UPDATE payments.user_bank_accounts a
       SET balance = a.balance + CASE WHEN p.direction = 'DEBIT' THEN -p.amount ELSE p.amount END,
           updated_at = v_now
     WHERE a.id = v_account.id;
    INSERT INTO payments.transactions (description, amount, direction, posted_at, account_id, user_id, payment_id)
    VALUES (CASE WHEN p.description IS NULL OR p.description ~ '^[[:space:]]*$' THEN p.payment_type
                 ELSE p.description END,
            p.amount, p.direction, v_now, v_account.id, p.user_id, p.id);
    UPDATE payments.user_payments u
       SET status = 'COMPLETED', posted_at = v_now, failure_reason = NULL, updated_at = v_now
     WHERE u.id = p.id
    RETURNING * INTO v_posted;
    r.payment := v_posted;
    RETURN r;
END
$$ LANGUAGE plpgsql;

-- The checks of POST /payments/{id}/process before the rules, SPEC §6.6 order: exists (payment_not_found) →
-- canProcess (insufficient_permissions: admin always, the owner only while PENDING, nobody else) → PENDING
-- (already_processed) → lock the row and re-check PENDING (a lost race: already_processed). The first checks read the
-- row as the request found it, like the route always did; the lock comes after. Answers reason NULL with the payment
-- locked (FOR NO KEY UPDATE), or the failing check with the status it found.
CREATE FUNCTION payments.lock_pending_payment(p_payment_id uuid, p_caller_id uuid, p_caller_is_admin boolean)
RETURNS payments.posting_result AS $$
DECLARE
    r      payments.posting_result;
    v_seen payments.user_payments;
BEGIN
    SELECT * INTO v_seen FROM payments.user_payments u WHERE u.id = p_payment_id;
    IF NOT FOUND THEN
        r.reason := 'payment_not_found';
        RETURN r;
    END IF;
    IF NOT (p_caller_is_admin OR (v_seen.user_id = p_caller_id AND v_seen.status = 'PENDING')) THEN
        r.reason := 'insufficient_permissions';
        RETURN r;
    END IF;
    IF v_seen.status = 'PENDING' THEN
        SELECT * INTO v_seen FROM payments.user_payments u WHERE u.id = p_payment_id FOR NO KEY UPDATE;
        IF NOT FOUND THEN
            r.reason := 'payment_not_found';
            RETURN r;
        END IF;
    END IF;
    IF v_seen.status <> 'PENDING' THEN
        r.reason := 'already_processed';
        r.payment_status := v_seen.status;
    END IF;
    r.payment := v_seen;
    RETURN r;
END
$$ LANGUAGE plpgsql;

-- POST /payments/{id}/process (synchronous): the checks above, then the posting.
CREATE FUNCTION payments.process_payment(p_payment_id uuid, p_caller_id uuid, p_caller_is_admin boolean,
                                         p_max_single numeric, p_daily_limits jsonb, p_default_daily_limit numeric,
                                         p_duplicate_minutes integer)
RETURNS payments.posting_result AS $$
DECLARE
    r payments.posting_result := payments.lock_pending_payment(p_payment_id, p_caller_id, p_caller_is_admin);
BEGIN
    IF r.reason IS NOT NULL THEN
        RETURN r;
    END IF;
    RETURN payments.post_locked_payment(r.payment, p_max_single, p_daily_limits, p_default_daily_limit,
                                        p_duplicate_minutes);
END
$$ LANGUAGE plpgsql;

-- What the async accept answers: reason NULL = accepted (or the existing job of the uniqueness window returned).
CREATE TYPE payments.accept_result AS (
    reason         text,
    payment_status text,
    job_id         uuid,
    job_state      text
);

-- POST /payments/{id}/process with Prefer: respond-async: the same checks (lock_pending_payment), then
-- PENDING → PROCESSING and a job for the worker (unique per payment within p_unique_seconds) in the same statement.
CREATE FUNCTION payments.accept_payment(p_payment_id uuid, p_caller_id uuid, p_caller_is_admin boolean,
                                        p_worker text, p_queue text, p_max_attempts integer,
                                        p_timeout_seconds integer, p_unique_seconds integer)
RETURNS payments.accept_result AS $$
DECLARE
    r         payments.accept_result;
    v_checked payments.posting_result := payments.lock_pending_payment(p_payment_id, p_caller_id, p_caller_is_admin);
BEGIN
    IF v_checked.reason IS NOT NULL THEN
        r.reason := v_checked.reason;
        r.payment_status := v_checked.payment_status;
        RETURN r;
    END IF;
    UPDATE payments.user_payments u
       SET status = 'PROCESSING', updated_at = date_trunc('second', now())
     WHERE u.id = p_payment_id;
    SELECT (e.job).id, (e.job).state INTO r.job_id, r.job_state
      FROM jobs.enqueue(p_worker, p_queue, jsonb_build_object('payment_id', p_payment_id::text), p_payment_id::text,
                        p_unique_seconds, 0, p_max_attempts, p_timeout_seconds, (v_checked.payment).user_id, NULL) e;
    RETURN r;
END
$$ LANGUAGE plpgsql;

-- The payment workers (SPEC §7.4): one statement fences, posts and completes a batch of claimed jobs, so postings
-- and job completions commit together — or, if the runner dies before the commit, not at all (its leases expire and
-- the jobs run again). Jobs this runner no longer owns (jobs.lock_owned) are left out of the answer. For each owned
-- job, in the order given: no such payment → payment_not_found; COMPLETED → posted by an earlier run, completed
-- again as success; not PROCESSING → already_processed; else the posting. Successful jobs are completed here with
-- result {payment_id, status}; failures are answered (with their facts) and left executing for the runner, which
-- records them (retry or dead letter, payment FAILED) with the catalog's wording.
-- All payment rows, then all account rows, are locked up front in id order, so concurrent batches never deadlock.
CREATE FUNCTION payments.post_payment_jobs(p_job_ids uuid[], p_attempts integer[], p_runner text,
                                           p_max_single numeric, p_daily_limits jsonb,
                                           p_default_daily_limit numeric, p_duplicate_minutes integer)
RETURNS TABLE (job_id uuid, outcome payments.posting_result) AS $$
DECLARE
    v_ids         uuid[];            -- the owned jobs, in the order given, with their attempts and payments
    v_tries       integer[];
    v_payment_ids uuid[];
    v_payment     payments.user_payments;
    v_done_ids    uuid[] := '{}';
    v_done_tries  integer[] := '{}';
    v_done_result jsonb[] := '{}';
BEGIN
    SELECT coalesce(array_agg(j.id ORDER BY array_position(p_job_ids, j.id)), '{}'),
           coalesce(array_agg(j.attempt ORDER BY array_position(p_job_ids, j.id)), '{}'),
           coalesce(array_agg(payments.uuid_or_null(j.args ->> 'payment_id') ORDER BY array_position(p_job_ids, j.id)),
                    '{}')
      INTO v_ids, v_tries, v_payment_ids
      FROM jobs.lock_owned(p_job_ids, p_attempts, p_runner) j;

    PERFORM 1 FROM payments.user_payments u WHERE u.id = ANY (v_payment_ids) ORDER BY u.id FOR NO KEY UPDATE;
    PERFORM 1 FROM payments.user_bank_accounts a
     WHERE a.id IN (SELECT u.user_bank_account_id FROM payments.user_payments u WHERE u.id = ANY (v_payment_ids))
     ORDER BY a.id FOR NO KEY UPDATE;

    FOR i IN 1 .. coalesce(array_length(v_ids, 1), 0) LOOP
        job_id := v_ids[i];
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
        ELSE
            outcome := payments.post_locked_payment(v_payment, p_max_single, p_daily_limits, p_default_daily_limit,
                                                    p_duplicate_minutes);
        END IF;
        IF outcome.reason IS NULL THEN
            v_done_ids := v_done_ids || v_ids[i];
            v_done_tries := v_done_tries || v_tries[i];
            v_done_result := v_done_result
                || jsonb_build_object('payment_id', v_payment.id::text, 'status', (outcome.payment).status);
        END IF;
        RETURN NEXT;
    END LOOP;
    PERFORM jobs.complete_all(v_done_ids, v_done_tries, v_done_result);
END
$$ LANGUAGE plpgsql;

-- A job's payment_id argument as a uuid, NULL when it is missing or not a canonical uuid (no exception block: that
-- would open a subtransaction per call).
CREATE FUNCTION payments.uuid_or_null(p_text text) RETURNS uuid AS $$
    SELECT CASE WHEN p_text ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN p_text::uuid END
$$ LANGUAGE sql IMMUTABLE;
