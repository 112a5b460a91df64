-- Issue 8: the batch postings ask the database once per batch what they asked once per payment.
--
-- * A sync batch (process_payments) read each requested payment with lock_pending_payment, one statement per request;
--   it now reads them all in one statement before its locks and once more after them, and applies
--   lock_pending_payment's checks in its order: absent → payment_not_found; neither an admin nor the owner of a
--   PENDING payment → insufficient_permissions (both on the row as found); not PENDING after the locks →
--   already_processed (SPEC §6.6: a race lost while waiting for the row). The rows that may post were locked by the
--   batch's locking statement (waiting for another transaction's lock, then re-checked), so they cannot change; the
--   others cannot become postable (no status returns to PENDING). A payment asked for again in the batch is answered
--   as before: the queue posts first, then lock_pending_payment reads what that left.
--   This also corrects V22-V25's batch for that race: its owner's request for a payment another transaction held and
--   then moved on was answered insufficient_permissions (the access policy checked on the row after the wait), where
--   the lone posting answers already_processed.
-- * Both batch paths (a sync batch and a worker run, through post_on_held_accounts) asked is_duplicate once per
--   payment; the query now runs once for the batch, before any of its writes (all in one statement at the end), so
--   each payment gets what is_duplicate would answer it in the loop. posting_rules takes that answer (p_duplicate;
--   NULL: ask is_duplicate, as the lone posting does).
-- Same answers in the same order; PostingFunctionTest runs every scenario alone and in batches.

DROP FUNCTION payments.posting_rules(payments.user_payments, payments.user_bank_accounts, numeric, jsonb, numeric,
                                     integer, numeric, boolean);

-- posting_rules of payments/V25 with the duplicate rule's answer given when the caller knows it (p_duplicate: the
-- batch's is_duplicate or a payment it posted alike; NULL: ask is_duplicate). Rules, order and reasons unchanged.
CREATE FUNCTION payments.posting_rules(p payments.user_payments, v_account payments.user_bank_accounts,
                                       p_max_single numeric, p_daily_limits jsonb, p_default_daily_limit numeric,
                                       p_duplicate_minutes integer, p_daily_spent numeric, p_duplicate boolean)
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
    IF coalesce(p_duplicate,
                payments.is_duplicate(p.user_id, p.id, p.amount, p.description, p.direction, p_duplicate_minutes)) THEN
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
                                  p_duplicate_minutes, NULL, NULL);
END
$$ LANGUAGE plpgsql;

-- payments/V25's batch posting with is_duplicate asked once for the batch (v_dups).
CREATE OR REPLACE FUNCTION payments.post_on_held_accounts(p_payments payments.user_payments[], p_max_single numeric,
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
    v_dups      uuid[];                        -- the payments is_duplicate finds a COMPLETED original of
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
    -- is_duplicate of every payment in one statement (its query, per payment; nothing is written before the batch's
    -- one write below, so each payment's answer is the one is_duplicate would give it inside the loop)
    SELECT coalesce(array_agg(q.id), '{}') INTO v_dups
      FROM unnest(p_payments) AS q
     WHERE EXISTS (SELECT 1
                     FROM (SELECT o.status, o.posted_at FROM payments.user_payments o
                            WHERE o.user_id = q.user_id AND o.amount = q.amount AND o.description = q.description
                              AND o.direction = q.direction AND o.id <> q.id
                           OFFSET 0) same
                    WHERE same.status = 'COMPLETED'
                      AND same.posted_at >= now() - p_duplicate_minutes * interval '1 minute');
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
                                        coalesce(v_in_window AND v_key = ANY (v_keys), false) OR p.id = ANY (v_dups));
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

-- payments/V25's sync batch with the requested payments read in one statement.
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
    v_found    payments.user_payments[];            -- per request: its payment as the batch found it (NULL: none)
    v_seen     payments.user_payments[];            -- per request: its payment as read after the locks (NULL: none)
    f          payments.user_payments;
    v_touched  uuid[] := '{}';                      -- the payments queued so far (posted or still queued)
    p          payments.user_payments;
    r          payments.posting_result;
BEGIN
    -- every requested payment as found, in request order: existence and the access policy are checked on this, as
    -- lock_pending_payment checks them before it waits for a held row (SPEC §6.6: then lock, re-check PENDING)
    SELECT array_agg(u ORDER BY q.ord) INTO v_found
      FROM unnest(p_payment_ids) WITH ORDINALITY AS q(id, ord)
      LEFT JOIN payments.user_payments u ON u.id = q.id;
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

    -- and again after the locks: the rows that may post are locked above and cannot change; the others (absent,
    -- not the caller's, not PENDING, or moved on by the transaction whose lock the batch waited for) cannot become
    -- postable (nothing re-enters PENDING)
    SELECT array_agg(u ORDER BY q.ord) INTO v_seen
      FROM unnest(p_payment_ids) WITH ORDINALITY AS q(id, ord)
      LEFT JOIN payments.user_payments u ON u.id = q.id;

    FOR i IN 1 .. coalesce(array_length(p_payment_ids, 1), 0) LOOP
        f := v_found[i];
        p := v_seen[i];
        IF p.id = ANY (v_touched) THEN
            -- asked for again: when still queued, the queue posts first; then the row as that left it, read the
            -- one-by-one way
            IF p.id = ANY (v_queue_id) THEN
                v_posted := payments.post_on_held_accounts(v_queue, p_max_single, p_daily_limits,
                                                           p_default_daily_limit, p_duplicate_minutes);
                FOR j IN 1 .. cardinality(v_queue) LOOP
                    v_out[v_for[j]] := v_posted[j];
                END LOOP;
                v_queue := '{}';
                v_queue_id := '{}';
                v_for := '{}';
            END IF;
            r := payments.lock_pending_payment(p_payment_ids[i], p_caller_ids[i], p_caller_is_admin[i]);
        ELSE
            -- lock_pending_payment's checks, in its order: exists and may process on the row as found, then
            -- PENDING on the row after the locks (a race lost meanwhile: already_processed, as one by one)
            r := NULL;
            IF f.id IS NULL THEN
                r.reason := 'payment_not_found';
            ELSIF NOT (p_caller_is_admin[i] OR (f.user_id = p_caller_ids[i] AND f.status = 'PENDING')) THEN
                r.reason := 'insufficient_permissions';
            ELSIF p.id IS NULL THEN
                r.reason := 'payment_not_found';
            ELSIF p.status = 'PENDING' AND NOT (p_caller_is_admin[i] OR p.user_id = p_caller_ids[i]) THEN
                -- PENDING but not the caller's any more, so not locked above: lock_pending_payment's check on the
                -- row it locks
                r.reason := 'insufficient_permissions';
            ELSE
                IF p.status <> 'PENDING' THEN
                    r.reason := 'already_processed';
                    r.payment_status := p.status;
                END IF;
                r.payment := p;
            END IF;
        END IF;
        IF r.reason IS NULL THEN
            v_queue := array_append(v_queue, r.payment);
            v_queue_id := v_queue_id || (r.payment).id;
            v_touched := v_touched || (r.payment).id;
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
