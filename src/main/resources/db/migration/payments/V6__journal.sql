-- Issue 12: a double-entry journal under every balance (SPEC §6.6, §8.3, §12).
--
--   payments.journal_entries   one per balance-changing event: a payment posting (source 'payment', the payment id)
--                              or an account's opening balance (source 'opening', the account id)
--   payments.journal_lines     the entry's signed amounts: one on the user account, the other on a system account
--                              ('external' for money entering or leaving, 'settlement:<bank code>' for openings)
--
-- Every entry sums to zero per currency (deferred constraint trigger, checked at commit). The journal is append-only
-- (UPDATE, DELETE and TRUNCATE rejected by triggers): a correction is a new entry. One entry per source (unique), so
-- one per COMPLETED payment. User-account lines carry a per-account hash chain (seq 1, 2, …; hash = SHA-256 over the
-- previous line's hash of that account and the canonical line), so an edit made around the triggers is detectable by
-- payments.ledger_verify(). System-account lines are neither chained nor kept as a stored balance: verify derives
-- them. No foreign key points at rows users can delete (users, logins, accounts, payments): the journal survives
-- them, and a deleted account's lines are closed history.
--
-- Writers: payments.post_locked_payment (THE posting, replaced below to write its entry in the same transaction) and
-- the deferred trigger on user_bank_accounts inserts (the opening entry at commit, for every writer: bank import
-- SPEC §8.3, demo seeding, plain SQL). The backfill at the end opens every existing account.

CREATE TABLE payments.journal_entries (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    source_type varchar(16)  NOT NULL,
    source_id   uuid         NOT NULL,
    currency    char(3)      NOT NULL,
    posted_at   timestamptz  NOT NULL,
    inserted_at timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT journal_entries_pkey PRIMARY KEY (id),
    CONSTRAINT journal_entries_source_type_check CHECK (source_type IN ('payment', 'opening')),
    CONSTRAINT journal_entries_currency_check CHECK (currency ~ '^[A-Z]{3}$')
);
-- one entry per COMPLETED payment, one opening per account
CREATE UNIQUE INDEX journal_entries_source_index ON payments.journal_entries (source_id, source_type);

CREATE TABLE payments.journal_lines (
    entry_id       bigint        NOT NULL,       -- no FK (its RI checks would cost every posting); verify finds orphans
    line_no        smallint      NOT NULL,
    account_id     uuid,                         -- a user account (not an FK: the account may be deleted)
    system_account varchar(64),                  -- or a system account: 'external', 'settlement:<bank code>'
    currency       char(3)       NOT NULL,
    amount         numeric(15,2) NOT NULL,       -- signed: + raises the account's balance
    posted_at      timestamptz   NOT NULL,
    seq            bigint,                       -- user lines: position in the account's chain, from 1
    hash           bytea,                        -- user lines: sha256(previous hash of the account || canonical line)
    CONSTRAINT journal_lines_pkey PRIMARY KEY (entry_id, line_no),
    CONSTRAINT journal_lines_one_account_check CHECK ((account_id IS NULL) <> (system_account IS NULL)),
    CONSTRAINT journal_lines_chain_check
        CHECK (account_id IS NULL AND seq IS NULL AND hash IS NULL
               OR account_id IS NOT NULL AND seq IS NOT NULL AND hash IS NOT NULL),
    CONSTRAINT journal_lines_currency_check CHECK (currency ~ '^[A-Z]{3}$')
);
-- the chain of an account (its head, its replay, its point-in-time balance); unique: a chain never forks
CREATE UNIQUE INDEX journal_lines_account_seq_index ON payments.journal_lines (account_id, seq)
    WHERE account_id IS NOT NULL;

-- ---------------------------------------------------------------- enforcement

CREATE FUNCTION payments.journal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the journal is append-only: % on % rejected (a correction is a new entry)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON payments.journal_entries
    FOR EACH ROW EXECUTE FUNCTION payments.journal_append_only();
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON payments.journal_entries
    FOR EACH STATEMENT EXECUTE FUNCTION payments.journal_append_only();
CREATE TRIGGER journal_lines_append_only BEFORE UPDATE OR DELETE ON payments.journal_lines
    FOR EACH ROW EXECUTE FUNCTION payments.journal_append_only();
CREATE TRIGGER journal_lines_no_truncate BEFORE TRUNCATE ON payments.journal_lines
    FOR EACH STATEMENT EXECUTE FUNCTION payments.journal_append_only();

-- At commit, every entry created in the transaction has lines and they sum to zero in every currency. An entry is
-- written with lines 1 and 2 (the primary key (entry_id, line_no) keeps them unique), so a line added later to an
-- older entry has line_no > 2: it fires the same check at commit. (A line without an entry is reported by verify.)
CREATE FUNCTION payments.journal_check_entry(p_entry_id bigint, p_need_lines boolean) RETURNS void AS $$
DECLARE
    v_currency text;
    v_total    numeric;
BEGIN
    SELECT l.currency, sum(l.amount) INTO v_currency, v_total
      FROM payments.journal_lines l
     WHERE l.entry_id = p_entry_id
     GROUP BY l.currency
    HAVING sum(l.amount) <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance: % % left over', p_entry_id, v_total, v_currency
            USING ERRCODE = 'check_violation';
    END IF;
    IF p_need_lines AND NOT EXISTS (SELECT 1 FROM payments.journal_lines l WHERE l.entry_id = p_entry_id) THEN
        RAISE EXCEPTION 'journal entry % has no lines', p_entry_id USING ERRCODE = 'check_violation';
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION payments.journal_entries_balanced() RETURNS trigger AS $$
BEGIN
    PERFORM payments.journal_check_entry(NEW.id, true);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION payments.journal_lines_balanced() RETURNS trigger AS $$
BEGIN
    PERFORM payments.journal_check_entry(NEW.entry_id, false);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON payments.journal_entries
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payments.journal_entries_balanced();
CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON payments.journal_lines
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.line_no > 2) EXECUTE FUNCTION payments.journal_lines_balanced();

-- ---------------------------------------------------------------- writing

-- The canonical form of a user line and its chained hash, shared by the writers and by verify: SHA-256 over the
-- previous hash of the account (empty for its first line) and the line's fields in PostgreSQL's binary send format
-- (entry id int8, account uuid, seq int8, currency as ASCII, amount numeric(15,2), posted_at int8 microseconds).
-- All immutable, so the function is inlined into its callers' plans.
CREATE FUNCTION payments.journal_line_hash(p_prev bytea, p_entry_id bigint, p_account_id uuid, p_seq bigint,
                                           p_currency text, p_amount numeric, p_posted_at timestamptz)
RETURNS bytea AS $$
    SELECT sha256(coalesce(p_prev, '\x'::bytea) || int8send(p_entry_id) || uuid_send(p_account_id)
                  || int8send(p_seq) || decode(p_currency, 'escape') || numeric_send(p_amount::numeric(15,2))
                  || timestamptz_send(p_posted_at))
$$ LANGUAGE sql IMMUTABLE;

-- One entry of two lines: p_amount on the user account (chained after its last line), -p_amount on the system
-- account, in one statement. The caller holds the user account's row lock (postings) or created it in this
-- transaction (openings), so the account's chain has one writer at a time.
CREATE FUNCTION payments.journal_write_entry(p_source_type text, p_source_id uuid, p_currency text,
                                             p_posted_at timestamptz, p_account_id uuid, p_amount numeric,
                                             p_system_account text)
RETURNS void AS $$
BEGIN
    WITH head AS (
        SELECT l.hash, l.seq FROM payments.journal_lines l
         WHERE l.account_id = p_account_id
         ORDER BY l.seq DESC
         LIMIT 1
    ), e AS (
        INSERT INTO payments.journal_entries (source_type, source_id, currency, posted_at)
        VALUES (p_source_type, p_source_id, p_currency, p_posted_at)
        RETURNING id
    ), n AS (
        SELECT e.id, h.hash AS prev, coalesce(h.seq, 0) + 1 AS seq FROM e LEFT JOIN head h ON true
    )
    INSERT INTO payments.journal_lines (entry_id, line_no, account_id, system_account, currency, amount, posted_at,
                                        seq, hash)
    SELECT n.id, 1, p_account_id, NULL, p_currency, p_amount, p_posted_at, n.seq,
           payments.journal_line_hash(n.prev, n.id, p_account_id, n.seq, p_currency, p_amount, p_posted_at)
      FROM n
    UNION ALL
    SELECT n.id, 2, NULL, p_system_account, p_currency, -p_amount, p_posted_at, NULL, NULL
      FROM n;
END
$$ LANGUAGE plpgsql;

-- The settlement system account of an account's bank ('settlement:<bank code>', 'settlement:unknown' if gone).
CREATE FUNCTION payments.journal_settlement_account(p_login_id uuid) RETURNS text AS $$
    SELECT 'settlement:' || coalesce((SELECT b.code
                                        FROM banksync.user_bank_logins l
                                        JOIN banksync.bank_branches br ON br.id = l.bank_branch_id
                                        JOIN banksync.banks b ON b.id = br.bank_id
                                       WHERE l.id = p_login_id), 'unknown')
$$ LANGUAGE sql STABLE;

-- An account's opening entry (once): its balance minus what the journal already holds for it and minus the COMPLETED
-- payments that have no entry yet, which are then journaled after it. So the journal ends equal to the balance:
--   a new account (bank import SPEC §8.3, demo seed, plain SQL): opening = the balance it was created with;
--   demo seeding (SPEC §12: the seeded COMPLETED payments did not move the seeded balance) and the backfill of an
--   existing account: opening = balance − the effect of its COMPLETED payments, then one entry per payment.
CREATE FUNCTION payments.journal_open_account(p_account_id uuid) RETURNS void AS $$
DECLARE
    v_account   payments.user_bank_accounts;
    v_journaled numeric;
    v_pending   numeric;
    v_first     timestamptz;
    v_payment   record;
BEGIN
    SELECT * INTO v_account FROM payments.user_bank_accounts a WHERE a.id = p_account_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN;   -- deleted in the transaction that created it
    END IF;
    IF EXISTS (SELECT 1 FROM payments.journal_entries e
                WHERE e.source_id = p_account_id AND e.source_type = 'opening') THEN
        RETURN;
    END IF;
    SELECT coalesce(sum(l.amount), 0) INTO v_journaled FROM payments.journal_lines l WHERE l.account_id = p_account_id;
    SELECT coalesce(sum(CASE WHEN u.direction = 'DEBIT' THEN -u.amount ELSE u.amount END), 0), min(u.posted_at)
      INTO v_pending, v_first
      FROM payments.user_payments u
     WHERE u.user_bank_account_id = p_account_id AND u.status = 'COMPLETED'
       AND NOT EXISTS (SELECT 1 FROM payments.journal_entries e WHERE e.source_id = u.id AND e.source_type = 'payment');
    PERFORM payments.journal_write_entry('opening', v_account.id, v_account.currency,
                                         least(v_account.inserted_at, v_first), v_account.id,
                                         v_account.balance - v_journaled - v_pending,
                                         payments.journal_settlement_account(v_account.user_bank_login_id));
    FOR v_payment IN
        SELECT u.id, u.posted_at, CASE WHEN u.direction = 'DEBIT' THEN -u.amount ELSE u.amount END AS signed
          FROM payments.user_payments u
         WHERE u.user_bank_account_id = p_account_id AND u.status = 'COMPLETED'
           AND NOT EXISTS (SELECT 1 FROM payments.journal_entries e WHERE e.source_id = u.id AND e.source_type = 'payment')
         ORDER BY u.posted_at, u.id
    LOOP
        PERFORM payments.journal_write_entry('payment', v_payment.id, v_account.currency, v_payment.posted_at,
                                             v_account.id, v_payment.signed, 'external');
    END LOOP;
END
$$ LANGUAGE plpgsql;

-- Every new account gets its opening entry at the commit of the transaction that created it (deferred: a writer
-- that adds COMPLETED payments to it in the same transaction, like the demo seed, is journaled together).
CREATE FUNCTION payments.user_bank_accounts_open() RETURNS trigger AS $$
BEGIN
    PERFORM payments.journal_open_account(NEW.id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER user_bank_accounts_journal_opening AFTER INSERT ON payments.user_bank_accounts
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payments.user_bank_accounts_open();

-- ---------------------------------------------------------------- the posting (payments/V3), now with its entry

-- Same signature and behaviour as V3's; the posting also writes its journal entry (the account's line chained, the
-- counterpart on 'external') in the same transaction, while the account row is locked.
CREATE OR REPLACE FUNCTION payments.post_locked_payment(p payments.user_payments, p_max_single numeric,
                                                        p_daily_limits jsonb, p_default_daily_limit numeric,
                                                        p_duplicate_minutes integer)
RETURNS payments.posting_result AS $$
DECLARE
    r         payments.posting_result;
    v_account payments.user_bank_accounts;
    v_posted  payments.user_payments;
    v_now     timestamptz := date_trunc('second', now());
    v_signed  numeric(15,2);
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

    v_signed := CASE WHEN p.direction = 'DEBIT' THEN -p.amount ELSE p.amount END;
    UPDATE payments.user_bank_accounts a
       SET balance = a.balance + v_signed,
           updated_at = v_now
     WHERE a.id = v_account.id;
    INSERT INTO payments.transactions (description, amount, direction, posted_at, account_id, user_id, payment_id)
    VALUES (CASE WHEN p.description IS NULL OR p.description ~ '^[[:space:]]*$' THEN p.payment_type
                 ELSE p.description END,
            p.amount, p.direction, v_now, v_account.id, p.user_id, p.id);
    -- the journal entry (payments.journal_write_entry, inlined: one statement on the hot path)
    WITH head AS (
        SELECT l.hash, l.seq FROM payments.journal_lines l
         WHERE l.account_id = v_account.id
         ORDER BY l.seq DESC
         LIMIT 1
    ), e AS (
        INSERT INTO payments.journal_entries (source_type, source_id, currency, posted_at)
        VALUES ('payment', p.id, v_account.currency, v_now)
        RETURNING id
    ), n AS (
        SELECT e.id, h.hash AS prev, coalesce(h.seq, 0) + 1 AS seq FROM e LEFT JOIN head h ON true
    )
    INSERT INTO payments.journal_lines (entry_id, line_no, account_id, system_account, currency, amount, posted_at,
                                        seq, hash)
    SELECT n.id, 1, v_account.id, NULL, v_account.currency, v_signed, v_now, n.seq,
           payments.journal_line_hash(n.prev, n.id, v_account.id, n.seq, v_account.currency, v_signed, v_now)
      FROM n
    UNION ALL
    SELECT n.id, 2, NULL, 'external', v_account.currency, -v_signed, v_now, NULL, NULL
      FROM n;
    UPDATE payments.user_payments u
       SET status = 'COMPLETED', posted_at = v_now, failure_reason = NULL, updated_at = v_now
     WHERE u.id = p.id
    RETURNING * INTO v_posted;
    r.payment := v_posted;
    RETURN r;
END
$$ LANGUAGE plpgsql;

-- ---------------------------------------------------------------- verify

-- Every invariant of the journal, one row per discrepancy (none = sound):
--   unbalanced_entry       an entry's lines do not sum to zero in a currency (expected 0.00, actual the sum)
--   empty_entry            an entry without lines
--   orphan_line            a line whose entry does not exist
--   chain_broken           a user line whose hash does not recompute from the previous line of its account, or whose
--                          seq leaves a gap (expected/actual: the hashes in hex, or the seqs)
--   balance_mismatch       an existing account whose stored balance is not the sum of its lines
--                          (expected: the journal's sum, actual: the stored balance)
--   missing_entry          an existing COMPLETED payment without its entry (expected 1, actual 0)
--   unexpected_entry       an existing payment that is not COMPLETED but has an entry (expected 0, actual 1)
--   entry_amount_mismatch  a payment's entry does not move its account by the payment's signed amount
-- Deleted accounts' and payments' entries are closed history: they still balance and chain, nothing else is asked.
CREATE FUNCTION payments.ledger_verify()
RETURNS TABLE (kind text, account_id uuid, entry_id bigint, expected text, actual text) AS $$
    SELECT 'unbalanced_entry', NULL::uuid, l.entry_id, '0.00', sum(l.amount)::text
      FROM payments.journal_lines l
     GROUP BY l.entry_id, l.currency
    HAVING sum(l.amount) <> 0
    UNION ALL
    SELECT 'empty_entry', NULL, e.id, '2', '0'
      FROM payments.journal_entries e
     WHERE NOT EXISTS (SELECT 1 FROM payments.journal_lines l WHERE l.entry_id = e.id)
    UNION ALL
    SELECT 'orphan_line', l.account_id, l.entry_id, '1', '0'
      FROM payments.journal_lines l
     WHERE NOT EXISTS (SELECT 1 FROM payments.journal_entries e WHERE e.id = l.entry_id)
    UNION ALL
    SELECT 'chain_broken', c.account_id, c.entry_id,
           CASE WHEN c.seq <> c.n THEN c.n::text ELSE encode(c.want, 'hex') END,
           CASE WHEN c.seq <> c.n THEN c.seq::text ELSE encode(c.hash, 'hex') END
      FROM (SELECT l.account_id, l.entry_id, l.seq, l.hash,
                   row_number() OVER w AS n,
                   payments.journal_line_hash(lag(l.hash) OVER w, l.entry_id, l.account_id, l.seq, l.currency,
                                              l.amount, l.posted_at) AS want
              FROM payments.journal_lines l
             WHERE l.account_id IS NOT NULL
            WINDOW w AS (PARTITION BY l.account_id ORDER BY l.seq)) c
     WHERE c.seq <> c.n OR c.hash IS DISTINCT FROM c.want
    UNION ALL
    SELECT 'balance_mismatch', a.id, NULL, coalesce(j.total, 0)::numeric(15,2)::text, a.balance::text
      FROM payments.user_bank_accounts a
      LEFT JOIN (SELECT l.account_id, sum(l.amount) AS total FROM payments.journal_lines l
                  WHERE l.account_id IS NOT NULL GROUP BY l.account_id) j ON j.account_id = a.id
     WHERE a.balance <> coalesce(j.total, 0)
    UNION ALL
    SELECT 'missing_entry', p.user_bank_account_id, NULL, '1', '0'
      FROM payments.user_payments p
     WHERE p.status = 'COMPLETED'
       AND NOT EXISTS (SELECT 1 FROM payments.journal_entries e WHERE e.source_id = p.id AND e.source_type = 'payment')
    UNION ALL
    SELECT 'unexpected_entry', p.user_bank_account_id, e.id, '0', '1'
      FROM payments.user_payments p
      JOIN payments.journal_entries e ON e.source_id = p.id AND e.source_type = 'payment'
     WHERE p.status <> 'COMPLETED'
    UNION ALL
    SELECT 'entry_amount_mismatch', p.user_bank_account_id, e.id,
           (CASE WHEN p.direction = 'DEBIT' THEN -p.amount ELSE p.amount END)::text,
           coalesce((SELECT sum(l.amount) FROM payments.journal_lines l
                      WHERE l.entry_id = e.id AND l.account_id = p.user_bank_account_id), 0)::numeric(15,2)::text
      FROM payments.user_payments p
      JOIN payments.journal_entries e ON e.source_id = p.id AND e.source_type = 'payment'
     WHERE p.status = 'COMPLETED'
       AND coalesce((SELECT sum(l.amount) FROM payments.journal_lines l
                      WHERE l.entry_id = e.id AND l.account_id = p.user_bank_account_id), 0)
           <> CASE WHEN p.direction = 'DEBIT' THEN -p.amount ELSE p.amount END
$$ LANGUAGE sql STABLE;

-- An account's balance from the journal at an instant (NULL = now): the sum of its lines posted at or before it.
CREATE FUNCTION payments.journal_balance_at(p_account_id uuid, p_at timestamptz) RETURNS numeric AS $$
    SELECT coalesce(sum(l.amount), 0)::numeric(15,2)
      FROM payments.journal_lines l
     WHERE l.account_id = p_account_id AND (p_at IS NULL OR l.posted_at <= p_at)
$$ LANGUAGE sql STABLE;

-- ---------------------------------------------------------------- backfill

-- No posting or account may slip between the backfill and the triggers: hold writers off until this commits.
LOCK TABLE payments.user_bank_accounts, payments.user_payments IN SHARE ROW EXCLUSIVE MODE;

SELECT payments.journal_open_account(a.id) FROM payments.user_bank_accounts a ORDER BY a.id;
