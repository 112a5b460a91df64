-- Issue 8, the batch postings: a worker run (payments.claim_and_post_payment_jobs, payments/V24) and a batch of sync
-- requests (payments.process_payments, payments/V22) decide their payments one after another, as before, but write
-- the whole batch with ONE statement that writes each table once, where they ran one five-table statement per
-- payment.
--
-- Why: a profile of the posting (perf over the backends, bench's spread load) puts ~25 % of PostgreSQL's CPU in what a
-- statement pays before its first row and after its last: executor start-up (11 %: the ModifyTable nodes of five
-- tables, their indexes), reading back and preparing the CHECKs of every written table (ExecConstraints, 12 %, most
-- of it stringToNode and expression set-up), the plan cache, relation locks. A run of ~70 payments paid that ~70
-- times; it now pays it once. (The sync route's lone posting, post_pending_payment, is unchanged.)
--
-- Same answers, in the same order, as posting each payment with post_locked_payment inside the run:
--   * the rules of posting_rules (one body: the eight-argument version below), in SPEC §6.6's order, on the account
--     as the postings before it in this run left it (balance, journal head): the run keeps each account it holds in
--     memory and applies its postings there;
--   * the daily total of an account: read once (daily_spent, at its first DEBIT that reaches the rule), plus the
--     DEBITs this run posted on it, which is what the trigger-kept total would read after each of them;
--   * duplicates: payments.is_duplicate (the COMPLETED payments of other transactions and of the database), or a
--     payment this run posted before with the same user, amount, description and direction — it is COMPLETED at
--     posted_at = date_trunc('second', now()), so is_duplicate would find it exactly when that lies in the window;
--   * the writes are those of post_on_account, for every posting: the account's balance (the sum of its postings)
--     and journal head (its last line), one ledger row, one journal entry with its two lines (each account line
--     chained on the one before, entry ids in posting order), the payment COMPLETED. The triggers fire per row as
--     before (the running daily totals, the state machine, the journal's balance at commit).
-- A payment listed twice is refused (an exception) by the set path: the callers list each payment once.
--
-- The caller holds every payment it passes (FOR NO KEY UPDATE), as post_locked_payment's callers do; the accounts
-- are locked here in id order, as post_locked_payment locks its one (both callers below already hold them).
--
-- The writes are ONE statement (data-modifying CTEs, as post_on_account's), with a plan kept per connection like
-- every posting statement: planned afresh per call (EXECUTE), the six statements of a first version cost more than
-- they saved below ~8 payments a batch (pgbench, process_payments of 1 / 4 / 16 payments: 1,052 → 557, 2,010 →
-- 1,662, 2,137 → 2,740 payments/s). As one kept statement: 1,114 → 908, 2,301 → 2,502, 2,551 → 3,467 (and
-- 1,148 → 950, 2,598 → 2,260, 2,469 → 3,688 in a second round); so a batch of fewer than 4 payments is posted the
-- per-payment way (post_locked_payment), which answers the same.
-- posting_rules (payments/V19) given what a batch knows that the database does not show yet: today's DEBIT total of
-- the account as the batch left it (p_daily_spent; NULL: read it), and whether the batch posted the same payment
-- (user, amount, description, direction) already (p_posted_alike, OR'ed with is_duplicate). One body for the rules:
-- the six-argument posting_rules of the per-payment postings is this one with neither.
CREATE FUNCTION payments.posting_rules(p payments.user_payments, v_account payments.user_bank_accounts,
                                       p_max_single numeric, p_daily_limits jsonb, p_default_daily_limit numeric,
                                       p_duplicate_minutes integer, p_daily_spent numeric, p_posted_alike boolean)
RETURNS payments.posting_result AS $$
DECLARE
    r payments.posting_result;
BEGIN
    r.payment := p;
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
        r.daily_spent := COALESCE(p_daily_spent, payments.daily_spent(v_account.id));
        IF r.daily_spent + p.amount > r.daily_limit THEN
            r.reason := 'daily_limit_exceeded';
            RETURN r;
        END IF;
    END IF;
    IF p_posted_alike
       OR payments.is_duplicate(p.user_id, p.id, p.amount, p.description, p.direction, p_duplicate_minutes) THEN
        r.reason := 'duplicate_transaction';
    END IF;
    RETURN r;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION payments.posting_rules(p payments.user_payments, v_account payments.user_bank_accounts,
                                                  p_max_single numeric, p_daily_limits jsonb,
                                                  p_default_daily_limit numeric, p_duplicate_minutes integer)
RETURNS payments.posting_result AS $$
BEGIN
    RETURN payments.posting_rules(p, v_account, p_max_single, p_daily_limits, p_default_daily_limit,
                                  p_duplicate_minutes, NULL, false);
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION payments.post_on_held_accounts(p_payments payments.user_payments[], p_max_single numeric,
                                               p_daily_limits jsonb, p_default_daily_limit numeric,
                                               p_duplicate_minutes integer)
RETURNS payments.posting_result[] AS $$
DECLARE
    v_now       timestamptz := date_trunc('second', now());
    -- a payment posted here counts as the original of a later one of this run when is_duplicate would see it
    v_in_window boolean := date_trunc('second', now()) >= now() - p_duplicate_minutes * interval '1 minute';
    v_acc_ids   uuid[];                        -- the accounts of the payments, and their rows as posted so far
    v_accs      payments.user_bank_accounts[];
    v_delta     numeric[] := '{}';             -- per account: the sum of its postings in this run (NULL: none),
    v_head_seq  bigint[] := '{}';              -- and its journal head after them
    v_head_hash bytea[] := '{}';
    v_spent     numeric[] := '{}';             -- per account: today's DEBIT total, once read
    v_keys      text[] := '{}';                -- duplicate keys of the payments posted in this run
    v_done      uuid[] := '{}';                -- the payments posted, in posting order
    v_slot      integer[] := '{}';             -- per payment: its place in v_done, or NULL
    w_entry     bigint[] := '{}';              -- per posting: journal entry, account, currency, signed amount, line
    w_acc       uuid[] := '{}';
    w_cur       text[] := '{}';
    w_signed    numeric[] := '{}';
    w_seq       bigint[] := '{}';
    w_hash      bytea[] := '{}';
    v_rows      payments.user_payments[];
    v_out       payments.posting_result[] := '{}';
    r           payments.posting_result;
    p           payments.user_payments;
    v_a         payments.user_bank_accounts;
    k           integer;
    v_key       text;
    v_signed    numeric(15,2);
    v_entry     bigint;
    v_n         integer;
BEGIN
    IF cardinality(p_payments) < 4 THEN
        -- a small batch: each payment its own statement (post_locked_payment), which costs less below ~4 payments
        -- (the set statements' arrays, unnests and sorts are paid per batch)
        FOR i IN 1 .. coalesce(array_length(p_payments, 1), 0) LOOP
            v_out := array_append(v_out, payments.post_locked_payment(p_payments[i], p_max_single, p_daily_limits,
                                                                      p_default_daily_limit, p_duplicate_minutes));
        END LOOP;
        RETURN v_out;
    END IF;
    -- the accounts, locked as post_locked_payment locks one (its callers already hold them: no wait then)
    SELECT coalesce(array_agg(h.id ORDER BY h.id), '{}'), coalesce(array_agg(h ORDER BY h.id), '{}')
      INTO v_acc_ids, v_accs
      FROM (SELECT a.* FROM payments.user_bank_accounts a
             WHERE a.id IN (SELECT q.user_bank_account_id FROM unnest(p_payments) AS q)
             ORDER BY a.id
               FOR NO KEY UPDATE) h;
    -- aligned with v_acc_ids from the start (an element set past the end of an empty array would start it there)
    v_delta := array_fill(NULL::numeric, ARRAY[cardinality(v_acc_ids)]);
    v_head_seq := array_fill(NULL::bigint, ARRAY[cardinality(v_acc_ids)]);
    v_head_hash := array_fill(NULL::bytea, ARRAY[cardinality(v_acc_ids)]);

    FOR i IN 1 .. coalesce(array_length(p_payments, 1), 0) LOOP
        p := p_payments[i];
        IF p.id = ANY (v_done) THEN
            RAISE EXCEPTION 'payment % listed twice', p.id;
        END IF;
        k := array_position(v_acc_ids, p.user_bank_account_id);
        IF k IS NULL THEN
            r := NULL;
            r.payment := p;
            r.reason := 'account_not_found';
        ELSE
            -- posting_rules on the account as this run left it, with the day's total and the duplicates it posted
            v_a := v_accs[k];
            -- is_duplicate compares with =, so a NULL description has no duplicate; the key puts it last
            v_key := CASE WHEN p.description IS NOT NULL
                          THEN concat_ws('|', p.user_id, p.amount, p.direction, p.description) END;
            r := payments.posting_rules(p, v_a, p_max_single, p_daily_limits, p_default_daily_limit,
                                        p_duplicate_minutes, v_spent[k],
                                        coalesce(v_in_window AND v_key = ANY (v_keys), false));
            IF r.daily_spent IS NOT NULL THEN
                v_spent[k] := r.daily_spent;
            END IF;
            IF r.reason IS NULL THEN
                -- the posting, as post_on_account writes it, applied to the account in memory
                v_signed := CASE WHEN p.direction = 'DEBIT' THEN -p.amount ELSE p.amount END;
                v_entry := nextval('payments.journal_entries_id_seq'::regclass);
                v_a.journal_seq := v_a.journal_seq + 1;
                v_a.journal_hash := payments.journal_line_hash(v_a.journal_hash, v_entry, v_a.id, v_a.journal_seq,
                                                               v_a.currency, v_signed, v_now);
                v_a.balance := v_a.balance + v_signed;
                v_accs[k] := v_a;
                v_delta[k] := coalesce(v_delta[k], 0) + v_signed;
                v_head_seq[k] := v_a.journal_seq;
                v_head_hash[k] := v_a.journal_hash;
                IF p.direction = 'DEBIT' THEN
                    v_spent[k] := v_spent[k] + p.amount;
                END IF;
                IF v_key IS NOT NULL THEN
                    v_keys := v_keys || v_key;
                END IF;
                v_done := v_done || p.id;
                v_slot[i] := cardinality(v_done);
                w_entry := w_entry || v_entry;
                w_acc := w_acc || v_a.id;
                w_cur := w_cur || v_a.currency::text;
                w_signed := w_signed || v_signed;
                w_seq := w_seq || v_a.journal_seq;
                w_hash := w_hash || v_a.journal_hash;
            END IF;
        END IF;
        v_out := array_append(v_out, r);
    END LOOP;

    IF cardinality(v_done) = 0 THEN
        RETURN v_out;
    END IF;

    -- every write of the batch in one statement, as post_on_account writes one posting: the accounts posted on
    -- (each once: the sum of its postings, its last line's head), the ledger rows in posting order, an entry per
    -- posting with its two lines (the account's, chained; the outside world's), the payments COMPLETED, read back
    -- as post_on_account answers them. (Every part reads the snapshot from before the statement: the ledger rows
    -- read the payments as they were, unchanged but for what the last part sets.)
    WITH acc AS (
        UPDATE payments.user_bank_accounts a
           SET balance = a.balance + d.delta, updated_at = v_now, journal_seq = d.seq, journal_hash = d.hash
          FROM unnest(v_acc_ids, v_delta, v_head_seq, v_head_hash) AS d(id, delta, seq, hash)
         WHERE a.id = d.id AND d.delta IS NOT NULL
    ), txn AS (
        INSERT INTO payments.transactions (description, amount, direction, posted_at, account_id, user_id, payment_id)
        SELECT CASE WHEN q.description IS NULL OR q.description ~ '^[[:space:]]*$' THEN q.payment_type
                    ELSE q.description END,
               q.amount, q.direction, v_now, q.user_bank_account_id, q.user_id, q.id
          FROM unnest(v_done) WITH ORDINALITY AS d(id, ord)
          JOIN payments.user_payments q ON q.id = d.id
         ORDER BY d.ord
    ), entry AS (
        INSERT INTO payments.journal_entries (id, source_type, source_id, currency, posted_at) OVERRIDING SYSTEM VALUE
        SELECT e.id, 'payment', e.payment_id, e.currency, v_now
          FROM unnest(w_entry, v_done, w_cur) AS e(id, payment_id, currency)
    ), lines AS (
        INSERT INTO payments.journal_lines (entry_id, line_no, account_id, system_account, currency, amount, posted_at,
                                            seq, hash)
        SELECT l.entry_id, n.line_no,
               CASE n.line_no WHEN 1 THEN l.account_id END, CASE n.line_no WHEN 2 THEN 'external' END,
               l.currency, CASE n.line_no WHEN 1 THEN l.signed ELSE -l.signed END, v_now,
               CASE n.line_no WHEN 1 THEN l.seq END, CASE n.line_no WHEN 1 THEN l.hash END
          FROM unnest(w_entry, w_acc, w_cur, w_signed, w_seq, w_hash)
               WITH ORDINALITY AS l(entry_id, account_id, currency, signed, seq, hash, ord)
         CROSS JOIN (VALUES (1), (2)) AS n(line_no)
         ORDER BY l.ord, n.line_no
    ), upd AS (
        UPDATE payments.user_payments u
           SET status = 'COMPLETED', posted_at = v_now, failure_reason = NULL, updated_at = v_now
          FROM unnest(v_done) WITH ORDINALITY AS d(id, ord)
         WHERE u.id = d.id
        RETURNING u AS posted, d.ord
    )
    SELECT array_agg(upd.posted ORDER BY upd.ord) INTO v_rows FROM upd;
    v_n := coalesce(cardinality(v_rows), 0);
    IF v_n <> cardinality(v_done) THEN
        RAISE EXCEPTION 'posted % payments but completed %', cardinality(v_done), v_n;
    END IF;
    FOR i IN 1 .. cardinality(v_out) LOOP
        IF v_slot[i] IS NOT NULL THEN
            r := v_out[i];
            r.payment := v_rows[v_slot[i]];
            v_out[i] := r;
        END IF;
    END LOOP;
    RETURN v_out;
END
$$ LANGUAGE plpgsql;

-- payments/V24's run, its postings through post_on_held_accounts: the picked payments are read in one statement,
-- each job gets the same answer as before (payment_not_found → COMPLETED → already_processed → deferred → the
-- rules and the posting), and the rows come back in pick order once the run has posted. A payment picked twice in
-- one run (one job per payment makes it impossible; defensive) is deferred the second time: the next run sees what
-- the first left.
CREATE OR REPLACE FUNCTION payments.claim_and_post_payment_jobs(p_queue text, p_worker text, p_limit integer,
                                                                p_runner text, p_lease_seconds integer,
                                                                p_max_single numeric, p_daily_limits jsonb,
                                                                p_default_daily_limit numeric,
                                                                p_duplicate_minutes integer)
RETURNS TABLE (job_id uuid, deferred boolean, outcome payments.posting_result) AS $$
DECLARE
    v_ids         uuid[];            -- the picked jobs, in pick order, with their payments
    v_payment_ids uuid[];
    v_held        uuid[];            -- the accounts this transaction holds
    v_found_ids   uuid[];            -- the picked payments that exist, and their rows
    v_found       payments.user_payments[];
    v_payment     payments.user_payments;
    v_post        payments.user_payments[] := '{}';
    v_post_ids    uuid[] := '{}';
    v_slot        integer[] := '{}'; -- per job: its payment's place in v_post, or NULL
    v_deferred    boolean[] := '{}';
    v_early       payments.posting_result[] := '{}';   -- per job: its answer without a posting
    v_posted      payments.posting_result[];
    v_done_ids    uuid[] := '{}';
    v_done_result jsonb[] := '{}';
    v_failed_ids  uuid[] := '{}';
    o             payments.posting_result;
    k             integer;
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
    SELECT coalesce(array_agg(u.id), '{}'), coalesce(array_agg(u), '{}') INTO v_found_ids, v_found
      FROM payments.user_payments u
     WHERE u.id = ANY (v_payment_ids);

    FOR i IN 1 .. coalesce(array_length(v_ids, 1), 0) LOOP
        o := NULL;
        v_deferred[i] := false;
        k := array_position(v_found_ids, v_payment_ids[i]);
        v_payment := CASE WHEN k IS NOT NULL THEN v_found[k] END;
        IF k IS NULL THEN
            o.reason := 'payment_not_found';
        ELSIF v_payment.status = 'COMPLETED' THEN
            o.payment := v_payment;
        ELSIF v_payment.id = ANY (v_post_ids) THEN
            v_deferred[i] := true;
        ELSIF v_payment.status <> 'PROCESSING' THEN
            o.reason := 'already_processed';
            o.payment_status := v_payment.status;
            o.payment := v_payment;
        ELSIF NOT (v_payment.user_bank_account_id = ANY (v_held)) THEN
            v_deferred[i] := true;
        ELSE
            v_post := array_append(v_post, v_payment);
            v_post_ids := v_post_ids || v_payment.id;
            v_slot[i] := cardinality(v_post);
        END IF;
        v_early := array_append(v_early, o);
    END LOOP;

    v_posted := payments.post_on_held_accounts(v_post, p_max_single, p_daily_limits, p_default_daily_limit,
                                               p_duplicate_minutes);

    FOR i IN 1 .. coalesce(array_length(v_ids, 1), 0) LOOP
        job_id := v_ids[i];
        deferred := v_deferred[i];
        outcome := CASE WHEN v_slot[i] IS NOT NULL THEN v_posted[v_slot[i]] ELSE v_early[i] END;
        IF NOT deferred THEN
            IF outcome.reason IS NULL THEN
                v_done_ids := v_done_ids || v_ids[i];
                v_done_result := v_done_result
                    || jsonb_build_object('payment_id', v_payment_ids[i]::text, 'status', (outcome.payment).status);
            ELSE
                v_failed_ids := v_failed_ids || v_ids[i];
            END IF;
        ELSE
            outcome := NULL;
        END IF;
        RETURN NEXT;
    END LOOP;
    PERFORM jobs.complete_picked(v_done_ids, v_done_result);
    PERFORM jobs.lease_picked(v_failed_ids, p_runner, p_lease_seconds);
END
$$ LANGUAGE plpgsql;

-- payments/V22's batch of sync requests, its postings through post_on_held_accounts: each request gets
-- lock_pending_payment's checks in request order, as before; those that may post are queued and posted together. A
-- payment asked for twice makes the queue post first, so the second request is checked on what the first left
-- (already_processed when it posted), exactly as one by one.
CREATE OR REPLACE FUNCTION payments.process_payments(p_payment_ids uuid[], p_caller_ids uuid[],
                                                     p_caller_is_admin boolean[], p_max_single numeric,
                                                     p_daily_limits jsonb, p_default_daily_limit numeric,
                                                     p_duplicate_minutes integer)
RETURNS TABLE (ord integer, outcome payments.posting_result) AS $$
DECLARE
    v_out      payments.posting_result[] := '{}';   -- per request: its answer
    v_queue    payments.user_payments[] := '{}';    -- the payments to post, and the requests they answer
    v_queue_id uuid[] := '{}';
    v_for      integer[] := '{}';
    v_posted   payments.posting_result[];
    r          payments.posting_result;
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
        r := payments.lock_pending_payment(p_payment_ids[i], p_caller_ids[i], p_caller_is_admin[i]);
        IF r.reason IS NULL AND (r.payment).id = ANY (v_queue_id) THEN
            v_posted := payments.post_on_held_accounts(v_queue, p_max_single, p_daily_limits, p_default_daily_limit,
                                                       p_duplicate_minutes);
            FOR j IN 1 .. cardinality(v_queue) LOOP
                v_out[v_for[j]] := v_posted[j];
            END LOOP;
            v_queue := '{}';
            v_queue_id := '{}';
            v_for := '{}';
            r := payments.lock_pending_payment(p_payment_ids[i], p_caller_ids[i], p_caller_is_admin[i]);
        END IF;
        IF r.reason IS NULL THEN
            v_queue := array_append(v_queue, r.payment);
            v_queue_id := v_queue_id || (r.payment).id;
            v_for := v_for || i;
        END IF;
        v_out := array_append(v_out, r);
    END LOOP;
    v_posted := payments.post_on_held_accounts(v_queue, p_max_single, p_daily_limits, p_default_daily_limit,
                                               p_duplicate_minutes);
    FOR j IN 1 .. cardinality(v_queue) LOOP
        v_out[v_for[j]] := v_posted[j];
    END LOOP;

    FOR i IN 1 .. cardinality(v_out) LOOP
        ord := i;
        outcome := v_out[i];
        RETURN NEXT;
    END LOOP;
END
$$ LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan;
