-- Issue 8 / issue 12 follow-up: the server-side cost of a posting cut further. Same rules in the same order (SPEC
-- §6.6), same answers, same journal guarantees; what a posting no longer pays for:
--
--   * payments.daily_spent() and payments.is_duplicate() were LANGUAGE sql. PostgreSQL (before 18) keeps the parsed
--     and planned body of a SQL function only until the end of the transaction, and a posting is one transaction:
--     every posting parsed, analysed and planned is_duplicate's query again (measured: ~100–150 µs of server CPU per
--     call in a fresh transaction, ~10 µs when cached). As PL/pgSQL their queries are prepared once per connection.
--     Their snapshot is unchanged: they stay STABLE, so they read with the snapshot of the statement that calls them
--     (the posting's, taken after the account lock was granted).
--   * the payment state machine's trigger (payments/V2) called its PL/pgSQL function on every status change, to
--     accept it; the same rule is now the trigger's WHEN condition, so the function only runs to reject a transition.
--   * PostgreSQL rebuilds every CHECK of a table (parsed from its stored form, then planned) for each statement that
--     writes the table, and evaluates all of them on every UPDATE: the account row (7 CHECKs) and the ledger row (3)
--     are written by every posting. The same rules, one CHECK per table (as payments/V11 did for the journal). The
--     payment's two state-machine CHECKs keep their names (tests and operators know them); its four column CHECKs
--     become one.
--   * the account row is updated by every posting (balance, journal head) and its indexed columns never change then,
--     so the update can be HOT whenever its page has room: fillfactor 90 leaves that room on pages written from now on.

-- ---------------------------------------------------------------- the facts of the rules, prepared once

CREATE OR REPLACE FUNCTION payments.daily_spent(p_account_id uuid) RETURNS numeric AS $$
BEGIN
    RETURN COALESCE((SELECT t.debit_total FROM payments.account_daily_totals t
                      WHERE t.account_id = p_account_id AND t.day = (now() AT TIME ZONE 'UTC')::date), 0);
END
$$ LANGUAGE plpgsql STABLE;

-- The query of payments/V3, unchanged (see there why the equality columns are looked up alone, OFFSET 0).
CREATE OR REPLACE FUNCTION payments.is_duplicate(p_user_id uuid, p_payment_id uuid, p_amount numeric,
                                                 p_description text, p_direction text, p_window_minutes integer)
RETURNS boolean AS $$
BEGIN
    RETURN EXISTS (SELECT 1
                     FROM (SELECT p.status, p.posted_at FROM payments.user_payments p
                            WHERE p.user_id = p_user_id AND p.amount = p_amount AND p.description = p_description
                              AND p.direction = p_direction AND p.id <> p_payment_id
                           OFFSET 0) same
                    WHERE same.status = 'COMPLETED'
                      AND same.posted_at >= now() - p_window_minutes * interval '1 minute');
END
$$ LANGUAGE plpgsql STABLE;

-- ---------------------------------------------------------------- the state machine, checked in the trigger's WHEN

-- payments/V2's transitions (the function, unchanged, still raises for anything else): the function runs only for a
-- transition that is not one of them.
DROP TRIGGER user_payments_transition ON payments.user_payments;
CREATE TRIGGER user_payments_transition
    BEFORE UPDATE OF status ON payments.user_payments
    FOR EACH ROW WHEN (NOT (NEW.status = OLD.status
                            OR (OLD.status = 'PENDING'    AND NEW.status IN ('PROCESSING', 'COMPLETED', 'CANCELLED'))
                            OR (OLD.status = 'PROCESSING' AND NEW.status IN ('COMPLETED', 'FAILED'))
                            OR (OLD.status = 'FAILED'     AND NEW.status = 'PROCESSING')))
    EXECUTE FUNCTION payments.user_payments_transition();

-- ---------------------------------------------------------------- one CHECK per written table (same rules)

-- SPEC §11's column rules. Equivalent to the separate CHECKs: a CHECK rejects a row only when it is false, and an AND
-- is false exactly when one of its terms is (a NULL in a nullable column makes its term NULL, which rejects nothing).
ALTER TABLE payments.user_bank_accounts
    DROP CONSTRAINT user_bank_accounts_currency_check,
    DROP CONSTRAINT user_bank_accounts_account_type_check,
    DROP CONSTRAINT user_bank_accounts_balance_check,
    DROP CONSTRAINT user_bank_accounts_last_four_check,
    DROP CONSTRAINT user_bank_accounts_account_name_check,
    DROP CONSTRAINT user_bank_accounts_status_check,
    DROP CONSTRAINT user_bank_accounts_external_account_id_check,
    ADD CONSTRAINT user_bank_accounts_check CHECK (
        currency ~ '^[A-Z]{3}$'
        AND account_type IN ('CHECKING', 'SAVINGS', 'CREDIT', 'INVESTMENT')
        AND (balance >= 0 OR account_type = 'CREDIT')
        AND last_four ~ '^[0-9]{4}$'
        AND char_length(account_name) BETWEEN 1 AND 100
        AND status IN ('ACTIVE', 'INACTIVE', 'CLOSED')
        AND external_account_id ~ '^[A-Za-z0-9]{1,50}$');

ALTER TABLE payments.transactions
    DROP CONSTRAINT transactions_description_check,
    DROP CONSTRAINT transactions_amount_check,
    DROP CONSTRAINT transactions_direction_check,
    ADD CONSTRAINT transactions_check CHECK (
        char_length(description) >= 1 AND amount > 0 AND direction IN ('CREDIT', 'DEBIT'));

ALTER TABLE payments.user_payments
    DROP CONSTRAINT user_payments_amount_check,
    DROP CONSTRAINT user_payments_direction_check,
    DROP CONSTRAINT user_payments_payment_type_check,
    DROP CONSTRAINT user_payments_status_check,
    ADD CONSTRAINT user_payments_check CHECK (
        amount > 0
        AND direction IN ('CREDIT', 'DEBIT')
        AND payment_type IN ('DEPOSIT', 'WITHDRAWAL', 'TRANSFER', 'PAYMENT')
        AND status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'));

-- ---------------------------------------------------------------- room for HOT updates of the account row

ALTER TABLE payments.user_bank_accounts SET (fillfactor = 90);
