-- Issue 8: what a posting paid per statement for the CHECKs and trigger conditions of the tables it writes.
--
-- PostgreSQL (15) keeps a CHECK constraint and a trigger's WHEN condition as a serialized expression tree in the
-- catalog, and every statement that writes the table reads it back (stringToNode), plans it (expression_planner) and
-- compiles it, before the first row. A posting writes five tables, each once, so it paid that for every CHECK of
-- those tables and for the WHENs of the two UPDATE triggers on user_payments: ~29 KB of expression trees per posting
-- (perf on a commit-mode round: ExecConstraints + the trigger quals ≈ 15–20 % of the backend's CPU). The size of a
-- tree is what costs: an `IN (...)` list of varchar is an array of casted constants, a few hundred bytes per value.
--
--   * the same column rules, written as one regular expression per enumerated column (an `~` against one text
--     constant is a fraction of the `IN` list's tree) and `description <> ''` for char_length(description) >= 1; the
--     constraint names stay. Equivalent: PostgreSQL's `^`/`$` anchor at the ends of the string only, `.` matches any
--     character (so '^.{1,100}$' is char_length BETWEEN 1 AND 100), and NULL still passes (the operator is strict).
--   * user_payments' two UPDATE triggers (the state machine, BEFORE UPDATE OF status with the allowed transitions as
--     its WHEN, payments/V12; the running daily totals, AFTER UPDATE with a 5-column IS DISTINCT FROM in its WHEN,
--     payments/V3) become one BEFORE UPDATE trigger without a WHEN: its PL/pgSQL function is prepared once per
--     connection and decides both. It rejects a transition that is not allowed first, as before (same SQLSTATE 23514
--     and message, before the row's CHECKs), and moves the daily totals exactly when the old trigger did. BEFORE is
--     safe for the totals of an UPDATE: a BEFORE ROW trigger runs once the row is locked and re-read, so the update
--     then happens, and any later failure (a CHECK) fails the statement and rolls the totals back with it. (The
--     INSERT trigger stays AFTER: a row skipped by ON CONFLICT DO NOTHING must not count.)
--
-- Measured together with payments/V18 (bench/journal-cpu's commit-mode round: fresh payments, process_payment + COMMIT
-- each, server CPU per posting, 8 rounds × 1,500 alternated with the schema before, on a loaded 2-core machine):
-- spread over 100 accounts 732 → 664 µs (median; paired −10 %, range −19…−4 %), one hot account 746 → 687 µs (−6 %,
-- −14…+1 %). The rules, the answers and the journal are unchanged.

-- ---------------------------------------------------------------- the column rules, smaller trees

ALTER TABLE payments.user_bank_accounts
    DROP CONSTRAINT user_bank_accounts_check,
    ADD CONSTRAINT user_bank_accounts_check CHECK (
        currency ~ '^[A-Z]{3}$'
        AND account_type ~ '^(CHECKING|SAVINGS|CREDIT|INVESTMENT)$'
        AND (balance >= 0 OR account_type = 'CREDIT')
        AND last_four ~ '^[0-9]{4}$'
        AND account_name ~ '^.{1,100}$'
        AND status ~ '^(ACTIVE|INACTIVE|CLOSED)$'
        AND external_account_id ~ '^[A-Za-z0-9]{1,50}$');

ALTER TABLE payments.transactions
    DROP CONSTRAINT transactions_check,
    ADD CONSTRAINT transactions_check CHECK (description <> '' AND amount > 0 AND direction ~ '^(CREDIT|DEBIT)$');

ALTER TABLE payments.user_payments
    DROP CONSTRAINT user_payments_check,
    ADD CONSTRAINT user_payments_check CHECK (
        amount > 0
        AND direction ~ '^(CREDIT|DEBIT)$'
        AND payment_type ~ '^(DEPOSIT|WITHDRAWAL|TRANSFER|PAYMENT)$'
        AND status ~ '^(PENDING|PROCESSING|COMPLETED|FAILED|CANCELLED)$');

ALTER TABLE payments.journal_entries
    DROP CONSTRAINT journal_entries_check,
    ADD CONSTRAINT journal_entries_check CHECK (source_type ~ '^(payment|opening)$' AND currency ~ '^[A-Z]{3}$');

-- ---------------------------------------------------------------- one UPDATE trigger on user_payments

-- The state machine of payments/V2 (SPEC §6.8), then the running daily totals of payments/V3 for an update (a payment
-- counts while it is a COMPLETED DEBIT with a posted_at; the totals move only when whether or how much it counts may
-- have changed).
CREATE FUNCTION payments.user_payments_updated() RETURNS trigger AS $$
BEGIN
    IF NEW.status <> OLD.status
       AND NOT (OLD.status = 'PENDING'    AND NEW.status IN ('PROCESSING', 'COMPLETED', 'CANCELLED')
             OR OLD.status = 'PROCESSING' AND NEW.status IN ('COMPLETED', 'FAILED')
             OR OLD.status = 'FAILED'     AND NEW.status = 'PROCESSING') THEN
        RAISE EXCEPTION 'payment % cannot go from % to %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    IF (OLD.status = 'COMPLETED' AND OLD.direction = 'DEBIT' OR NEW.status = 'COMPLETED' AND NEW.direction = 'DEBIT')
       AND (OLD.status, OLD.direction, OLD.amount, OLD.posted_at, OLD.user_bank_account_id)
           IS DISTINCT FROM (NEW.status, NEW.direction, NEW.amount, NEW.posted_at, NEW.user_bank_account_id) THEN
        IF OLD.status = 'COMPLETED' AND OLD.direction = 'DEBIT' AND OLD.posted_at IS NOT NULL THEN
            UPDATE payments.account_daily_totals t
               SET debit_total = t.debit_total - OLD.amount
             WHERE t.account_id = OLD.user_bank_account_id AND t.day = (OLD.posted_at AT TIME ZONE 'UTC')::date;
        END IF;
        IF NEW.status = 'COMPLETED' AND NEW.direction = 'DEBIT' AND NEW.posted_at IS NOT NULL THEN
            INSERT INTO payments.account_daily_totals AS t (account_id, day, debit_total)
            VALUES (NEW.user_bank_account_id, (NEW.posted_at AT TIME ZONE 'UTC')::date, NEW.amount)
            ON CONFLICT ON CONSTRAINT account_daily_totals_pkey
            DO UPDATE SET debit_total = t.debit_total + EXCLUDED.debit_total;
        END IF;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER user_payments_transition ON payments.user_payments;
DROP TRIGGER user_payments_daily_totals_update ON payments.user_payments;
DROP FUNCTION payments.user_payments_transition();
CREATE TRIGGER user_payments_updated
    BEFORE UPDATE ON payments.user_payments
    FOR EACH ROW EXECUTE FUNCTION payments.user_payments_updated();
