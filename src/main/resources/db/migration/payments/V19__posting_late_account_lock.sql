-- Issue 8: the sync posting holds a busy account's row lock for less time. Same rules in the same order (SPEC §6.6),
-- same answers and facts, same writes, same journal (entry, two lines, the account's SHA-256 chain, the deferred
-- balance check at commit).
--
-- One account posts one payment at a time: its row lock (FOR NO KEY UPDATE) is held from the moment it is granted
-- until the commit is durable. payments/V11's posting took it first and then did everything under it: the rules, the
-- balance and chain head, the ledger row (heap, five index entries, three foreign-key checks), the journal entry and
-- its two lines, the payment's update (a non-HOT update: seven index entries, its trigger), then at commit the
-- deferred checks and the WAL flush. Timed inside the function, one session, 1,000 postings on one account (loaded
-- 2-core machine): from the lock being granted to the commit starting, ~650–880 µs per posting; the commit (flush)
-- ~400–650 µs.
--
-- Most of those writes do not depend on the account row: the ledger row, the journal entry, the entry's line on the
-- system account, and — for a CREDIT, which moves no daily total — the payment's update. So when the account is
-- held by another transaction, payments.post_pending_payment (the sync route's posting) writes those first, while it
-- waits its turn, then takes the lock and, under it, checks the rules exactly as before and writes only what needs
-- the row: the balance and chain head, the account's chained line (and a DEBIT's payment update, whose trigger moves
-- the running daily total: that row is only ever written under the account lock, as before, so the lock order
-- account → daily total of every writer is unchanged). A rule that fails under the lock rolls the early writes back
-- (they run in a PL/pgSQL block, i.e. a subtransaction) and answers the failure with the facts seen under the lock;
-- a payment that already fails accountActive, amountLimit or sufficientFunds on the account row read before the lock
-- writes nothing early: post_locked_payment (the V11 path) decides it under the lock.
-- Measured the same way: ~210–260 µs from lock granted to commit start (the rules and the two writes ~140–175 µs,
-- the deferred checks ~40–60 µs).
--
-- When the account is free (FOR NO KEY UPDATE SKIP LOCKED gets it at once) nothing waits behind the posting, and the
-- early writes would only add their statements and subtransaction (~+10 % server CPU): it posts under the lock in
-- one statement, as payments/V11 did. The workers (post_payment_jobs, which lock their accounts up front) keep
-- post_locked_payment; both paths share the rules (payments.posting_rules) and V11's writes (post_on_account).
--
-- The ledger row's foreign key to its account checks at commit in the early-write path (DEFERRABLE, and deferred by
-- that path only; every other writer still checks it at the end of its statement): checked before the lock, it would
-- take a KEY SHARE lock on the busy account row while another transaction holds it — a multixact on the hottest row
-- of the database. At commit the posting holds the account row itself, so the check finds it in the posting's own
-- lock. The account cannot go meanwhile: deleting it cascades to the payment, whose row the posting holds.

ALTER TABLE payments.transactions
    ALTER CONSTRAINT transactions_account_id_fkey DEFERRABLE INITIALLY IMMEDIATE;

-- SPEC §6.6's rules on a locked account row, in order: accountActive → amountLimit → sufficientFunds → dailyLimit →
-- duplicate (payments/V3). Answers the facts (account status, type, balance, daily limit, and for a DEBIT past the
-- funds rule today's spent total) with the first failing reason, or reason NULL when every rule passes.
-- The daily total and the duplicate lookup read with the caller's statement snapshot: taken after the lock was
-- granted, it sees every posting of the account that held the lock before.
CREATE FUNCTION payments.posting_rules(p payments.user_payments, v_account payments.user_bank_accounts,
                                       p_max_single numeric, p_daily_limits jsonb, p_default_daily_limit numeric,
                                       p_duplicate_minutes integer)
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
        r.daily_spent := payments.daily_spent(v_account.id);
        IF r.daily_spent + p.amount > r.daily_limit THEN
            r.reason := 'daily_limit_exceeded';
            RETURN r;
        END IF;
    END IF;
    IF payments.is_duplicate(p.user_id, p.id, p.amount, p.description, p.direction, p_duplicate_minutes) THEN
        r.reason := 'duplicate_transaction';
    END IF;
    RETURN r;
END
$$ LANGUAGE plpgsql;

-- payments/V11's posting once the account row is locked (v_account, as locked): the rules, then every write in one
-- statement (balance and chain head, ledger row, journal entry and its two lines, payment COMPLETED).
CREATE FUNCTION payments.post_on_account(p payments.user_payments, v_account payments.user_bank_accounts,
                                         p_max_single numeric, p_daily_limits jsonb, p_default_daily_limit numeric,
                                         p_duplicate_minutes integer)
RETURNS payments.posting_result AS $$
DECLARE
    r        payments.posting_result := payments.posting_rules(p, v_account, p_max_single, p_daily_limits,
                                                                p_default_daily_limit, p_duplicate_minutes);
    v_posted payments.user_payments;
    v_now    timestamptz := date_trunc('second', now());
    v_signed numeric(15,2) := CASE WHEN p.direction = 'DEBIT' THEN -p.amount ELSE p.amount END;
    v_entry  bigint;
    v_seq    bigint;
    v_hash   bytea;
BEGIN
    IF r.reason IS NOT NULL THEN
        RETURN r;
    END IF;
    v_entry := nextval('payments.journal_entries_id_seq'::regclass);
    v_seq := v_account.journal_seq + 1;
    v_hash := payments.journal_line_hash(v_account.journal_hash, v_entry, v_account.id, v_seq, v_account.currency,
                                         v_signed, v_now);
    WITH acc AS (
        UPDATE payments.user_bank_accounts a
           SET balance = a.balance + v_signed,
               updated_at = v_now,
               journal_seq = v_seq,
               journal_hash = v_hash
         WHERE a.id = v_account.id
    ), txn AS (
        INSERT INTO payments.transactions (description, amount, direction, posted_at, account_id, user_id, payment_id)
        VALUES (CASE WHEN p.description IS NULL OR p.description ~ '^[[:space:]]*$' THEN p.payment_type
                     ELSE p.description END,
                p.amount, p.direction, v_now, v_account.id, p.user_id, p.id)
    ), entry AS (
        INSERT INTO payments.journal_entries (id, source_type, source_id, currency, posted_at) OVERRIDING SYSTEM VALUE
        VALUES (v_entry, 'payment', p.id, v_account.currency, v_now)
    ), lines AS (
        INSERT INTO payments.journal_lines (entry_id, line_no, account_id, system_account, currency, amount, posted_at,
                                            seq, hash)
        VALUES (v_entry, 1, v_account.id, NULL, v_account.currency, v_signed, v_now, v_seq, v_hash),
               (v_entry, 2, NULL, 'external', v_account.currency, -v_signed, v_now, NULL, NULL)
    )
    UPDATE payments.user_payments u
       SET status = 'COMPLETED', posted_at = v_now, failure_reason = NULL, updated_at = v_now
     WHERE u.id = p.id
    RETURNING * INTO v_posted;
    r.payment := v_posted;
    RETURN r;
END
$$ LANGUAGE plpgsql;

-- Same signature and behaviour as payments/V11's: lock the account (waiting for it), then post_on_account.
CREATE OR REPLACE FUNCTION payments.post_locked_payment(p payments.user_payments, p_max_single numeric,
                                                        p_daily_limits jsonb, p_default_daily_limit numeric,
                                                        p_duplicate_minutes integer)
RETURNS payments.posting_result AS $$
DECLARE
    r         payments.posting_result;
    v_account payments.user_bank_accounts;
BEGIN
    SELECT * INTO v_account FROM payments.user_bank_accounts a WHERE a.id = p.user_bank_account_id
       FOR NO KEY UPDATE;      -- not FOR UPDATE: new payments may still reference the account (their FK check)
    IF NOT FOUND THEN
        r.payment := p;
        r.reason := 'account_not_found';
        RETURN r;
    END IF;
    RETURN payments.post_on_account(p, v_account, p_max_single, p_daily_limits, p_default_daily_limit,
                                    p_duplicate_minutes);
END
$$ LANGUAGE plpgsql;

-- The sync route's posting (the caller holds the payment row, checked PENDING): the account at once if it is free,
-- else the early writes, then the lock (see the top of this file).
CREATE FUNCTION payments.post_pending_payment(p payments.user_payments, p_max_single numeric, p_daily_limits jsonb,
                                              p_default_daily_limit numeric, p_duplicate_minutes integer)
RETURNS payments.posting_result AS $$
DECLARE
    r         payments.posting_result;
    v_seen    payments.user_bank_accounts;    -- the account row before the lock
    v_account payments.user_bank_accounts;    -- and as locked
    v_posted  payments.user_payments;
    v_now     timestamptz := date_trunc('second', now());
    v_signed  numeric(15,2) := CASE WHEN p.direction = 'DEBIT' THEN -p.amount ELSE p.amount END;
    v_entry   bigint;
    v_seq     bigint;
    v_hash    bytea;
BEGIN
    SELECT * INTO v_account FROM payments.user_bank_accounts a WHERE a.id = p.user_bank_account_id
       FOR NO KEY UPDATE SKIP LOCKED;
    IF FOUND THEN
        -- free: nobody waits behind this posting, post the payments/V11 way
        RETURN payments.post_on_account(p, v_account, p_max_single, p_daily_limits, p_default_daily_limit,
                                        p_duplicate_minutes);
    END IF;
    -- held by another transaction (or absent): the early writes, then the lock. A payment that fails one of the
    -- first three rules on the row as found goes the V11 way, which decides under the lock (the row may change)
    SELECT * INTO v_seen FROM payments.user_bank_accounts a WHERE a.id = p.user_bank_account_id;
    IF NOT FOUND OR v_seen.status <> 'ACTIVE' OR p.amount > p_max_single
       OR (p.direction = 'DEBIT' AND v_seen.balance < p.amount) THEN
        RETURN payments.post_locked_payment(p, p_max_single, p_daily_limits, p_default_daily_limit,
                                            p_duplicate_minutes);
    END IF;
    v_entry := nextval('payments.journal_entries_id_seq'::regclass);
    SET CONSTRAINTS payments.transactions_account_id_fkey DEFERRED;
    BEGIN
        -- the writes that do not read the account row, before its lock
        INSERT INTO payments.transactions (description, amount, direction, posted_at, account_id, user_id, payment_id)
        VALUES (CASE WHEN p.description IS NULL OR p.description ~ '^[[:space:]]*$' THEN p.payment_type
                     ELSE p.description END,
                p.amount, p.direction, v_now, v_seen.id, p.user_id, p.id);
        WITH entry AS (
            INSERT INTO payments.journal_entries (id, source_type, source_id, currency, posted_at)
            OVERRIDING SYSTEM VALUE
            VALUES (v_entry, 'payment', p.id, v_seen.currency, v_now)
        )
        INSERT INTO payments.journal_lines (entry_id, line_no, account_id, system_account, currency, amount, posted_at,
                                            seq, hash)
        VALUES (v_entry, 2, NULL, 'external', v_seen.currency, -v_signed, v_now, NULL, NULL);
        IF p.direction <> 'DEBIT' THEN
            UPDATE payments.user_payments u
               SET status = 'COMPLETED', posted_at = v_now, failure_reason = NULL, updated_at = v_now
             WHERE u.id = p.id
            RETURNING * INTO v_posted;
        END IF;

        -- the lock, the rules as in post_on_account, then what needs the row
        SELECT * INTO v_account FROM payments.user_bank_accounts a WHERE a.id = p.user_bank_account_id
           FOR NO KEY UPDATE;
        IF NOT FOUND THEN
            r.payment := p;
            r.reason := 'account_not_found';
            RAISE EXCEPTION USING ERRCODE = 'LB001';
        END IF;
        r := payments.posting_rules(p, v_account, p_max_single, p_daily_limits, p_default_daily_limit,
                                    p_duplicate_minutes);
        IF r.reason IS NOT NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'LB001';
        END IF;
        IF v_account.currency IS DISTINCT FROM v_seen.currency THEN
            RAISE EXCEPTION USING ERRCODE = 'LB002';
        END IF;
        v_seq := v_account.journal_seq + 1;
        v_hash := payments.journal_line_hash(v_account.journal_hash, v_entry, v_account.id, v_seq, v_account.currency,
                                             v_signed, v_now);
        IF p.direction = 'DEBIT' THEN
            WITH acc AS (
                UPDATE payments.user_bank_accounts a
                   SET balance = a.balance + v_signed, updated_at = v_now, journal_seq = v_seq, journal_hash = v_hash
                 WHERE a.id = v_account.id
            ), line AS (
                INSERT INTO payments.journal_lines (entry_id, line_no, account_id, system_account, currency, amount,
                                                    posted_at, seq, hash)
                VALUES (v_entry, 1, v_account.id, NULL, v_account.currency, v_signed, v_now, v_seq, v_hash)
            )
            UPDATE payments.user_payments u
               SET status = 'COMPLETED', posted_at = v_now, failure_reason = NULL, updated_at = v_now
             WHERE u.id = p.id
            RETURNING * INTO v_posted;
        ELSE
            WITH acc AS (
                UPDATE payments.user_bank_accounts a
                   SET balance = a.balance + v_signed, updated_at = v_now, journal_seq = v_seq, journal_hash = v_hash
                 WHERE a.id = v_account.id
            )
            INSERT INTO payments.journal_lines (entry_id, line_no, account_id, system_account, currency, amount,
                                                posted_at, seq, hash)
            VALUES (v_entry, 1, v_account.id, NULL, v_account.currency, v_signed, v_now, v_seq, v_hash);
        END IF;
    EXCEPTION
        WHEN SQLSTATE 'LB001' THEN
            -- a rule failed under the lock: the early writes are undone, the facts seen under the lock answered
            RETURN r;
        WHEN SQLSTATE 'LB002' THEN
            -- the account's currency changed before the lock: the early journal rows are undone; post the V11 way
            RETURN payments.post_locked_payment(p, p_max_single, p_daily_limits, p_default_daily_limit,
                                                p_duplicate_minutes);
    END;
    r.payment := v_posted;
    RETURN r;
END
$$ LANGUAGE plpgsql;

-- POST /payments/{id}/process (synchronous): the checks before the rules (payments/V18), then the posting above.
CREATE OR REPLACE FUNCTION payments.process_payment(p_payment_id uuid, p_caller_id uuid, p_caller_is_admin boolean,
                                                    p_max_single numeric, p_daily_limits jsonb,
                                                    p_default_daily_limit numeric, p_duplicate_minutes integer)
RETURNS payments.posting_result AS $$
DECLARE
    r payments.posting_result := payments.lock_pending_payment(p_payment_id, p_caller_id, p_caller_is_admin);
BEGIN
    IF r.reason IS NOT NULL THEN
        RETURN r;
    END IF;
    RETURN payments.post_pending_payment(r.payment, p_max_single, p_daily_limits, p_default_daily_limit,
                                         p_duplicate_minutes);
END
$$ LANGUAGE plpgsql;
