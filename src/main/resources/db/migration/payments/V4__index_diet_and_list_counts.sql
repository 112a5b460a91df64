-- Issue 8, the data half: an index diet and exact list counts that cost the same for any history.

-- ---------------------------------------------------------------------------------------------------------------
-- 1. Index diet (SPEC §15): keep the indexes a query of the service uses, the unique ones and one per foreign key
--    (so ON DELETE CASCADE / SET NULL finds the referencing rows without a scan). Every index below costs an entry
--    on each insert, and on each non-HOT update (a payment's status change), of a posting. IndexUsageTest shows the
--    index of every query and that no other index is left.

-- user_bank_accounts keeps (user_id, inserted_at, id) (GET /accounts, financial health; the user FK) and
-- user_bank_login_id (the login FK).
DROP INDEX IF EXISTS payments.user_bank_accounts_account_type_index;
DROP INDEX IF EXISTS payments.user_bank_accounts_status_index;
DROP INDEX IF EXISTS payments.user_bank_accounts_user_id_status_index;
DROP INDEX IF EXISTS payments.user_bank_accounts_user_id_account_type_index;

-- user_payments keeps (user_id, inserted_at, id) (the list and its order; the user FK), (user_id, status),
-- (user_id, direction) and (user_id, payment_type) (filtered lists and their counts), (user_id, amount,
-- description, direction, status) (the duplicate rule) and (user_bank_account_id, direction, status, posted_at)
-- (the daily-limit sum; the account FK). Nothing reads by amount, status, direction, type, posted_at or external
-- id alone.
DROP INDEX IF EXISTS payments.user_payments_amount_index;
DROP INDEX IF EXISTS payments.user_payments_payment_type_index;
DROP INDEX IF EXISTS payments.user_payments_status_index;
DROP INDEX IF EXISTS payments.user_payments_direction_index;
DROP INDEX IF EXISTS payments.user_payments_posted_at_index;
DROP INDEX IF EXISTS payments.user_payments_external_transaction_id_index;
DROP INDEX IF EXISTS payments.user_payments_external_transaction_id_status_index;
-- The account FK keeps an index either way: the plain one goes only while the composite that leads with the same
-- column exists.
DO $$
BEGIN
    IF to_regclass('payments.user_payments_account_direction_status_posted_at_index') IS NOT NULL THEN
        DROP INDEX IF EXISTS payments.user_payments_user_bank_account_id_index;
    END IF;
END
$$;

-- transactions: an account's ledger is read newest first, (posted_at, id) descending, a page at a time from a
-- keyset cursor; (account_id, posted_at, id) answers every page with an index range (and serves the account FK).
-- (user_id, posted_at) stays for the user FK; payment_id (unique) serves the payment FK; (account_id,
-- external_transaction_id) (unique) the bank import.
CREATE INDEX transactions_account_id_posted_at_id_index ON payments.transactions (account_id, posted_at, id);
DROP INDEX IF EXISTS payments.transactions_account_id_index;
DROP INDEX IF EXISTS payments.transactions_account_id_posted_at_index;
DROP INDEX IF EXISTS payments.transactions_posted_at_index;
DROP INDEX IF EXISTS payments.transactions_amount_index;
DROP INDEX IF EXISTS payments.transactions_direction_index;
DROP INDEX IF EXISTS payments.transactions_user_id_direction_posted_at_index;
DROP INDEX IF EXISTS payments.transactions_user_id_amount_posted_at_index;
DROP INDEX IF EXISTS payments.transactions_user_id_inserted_at_id_index;

-- ---------------------------------------------------------------------------------------------------------------
-- 2. Exact payment counts per user (SPEC §2.5 total_count of an unfiltered GET /api/payments) read from a few
--    rows instead of counting the user's history. The database keeps them, in the transaction of the write, for
--    every writer: the service, FK cascades (an account or user delete) and plain SQL (seeding, operators).
--    Only inserts and deletes change the count (a status change does not), so the posting path pays nothing.
--    Sharded: a writer adds to the row (user_id, its backend pid mod 16), so concurrent creates of one user do not
--    queue on one row lock, and one transaction only ever locks one counter row per user (no deadlock between
--    counters). A user's count is the sum of its rows; a single row may go negative after deletes.

CREATE TABLE payments.user_payment_counts (
    user_id uuid     NOT NULL,
    shard   smallint NOT NULL,
    n       bigint   NOT NULL,
    CONSTRAINT user_payment_counts_pkey PRIMARY KEY (user_id, shard),
    CONSTRAINT user_payment_counts_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users.users (id) ON DELETE CASCADE
);

CREATE FUNCTION payments.user_payment_counts_shard() RETURNS smallint AS $$
    SELECT (pg_backend_pid() % 16)::smallint
$$ LANGUAGE sql STABLE;

CREATE FUNCTION payments.user_payment_counts_inserted() RETURNS trigger AS $$
BEGIN
    INSERT INTO payments.user_payment_counts AS c (user_id, shard, n)
    SELECT user_id, payments.user_payment_counts_shard(), count(*) FROM inserted GROUP BY user_id
    ON CONFLICT (user_id, shard) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- A deleted user's rows go with the user (the FK cascades), so a cascade from a user delete adds nothing back.
CREATE FUNCTION payments.user_payment_counts_deleted() RETURNS trigger AS $$
BEGIN
    INSERT INTO payments.user_payment_counts AS c (user_id, shard, n)
    SELECT d.user_id, payments.user_payment_counts_shard(), -count(*) FROM deleted d
    WHERE EXISTS (SELECT 1 FROM users.users u WHERE u.id = d.user_id)
    GROUP BY d.user_id
    ON CONFLICT (user_id, shard) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- The service never moves a payment to another user; plain SQL might, and the counts stay exact.
CREATE FUNCTION payments.user_payment_counts_moved() RETURNS trigger AS $$
BEGIN
    INSERT INTO payments.user_payment_counts AS c (user_id, shard, n)
    VALUES (OLD.user_id, payments.user_payment_counts_shard(), -1), (NEW.user_id, payments.user_payment_counts_shard(), 1)
    ON CONFLICT (user_id, shard) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION payments.user_payment_counts_truncated() RETURNS trigger AS $$
BEGIN
    DELETE FROM payments.user_payment_counts;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- No write may slip between the backfill and the triggers: hold off writers until this migration commits.
LOCK TABLE payments.user_payments IN SHARE ROW EXCLUSIVE MODE;

CREATE TRIGGER user_payment_counts_inserted
    AFTER INSERT ON payments.user_payments REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION payments.user_payment_counts_inserted();
CREATE TRIGGER user_payment_counts_deleted
    AFTER DELETE ON payments.user_payments REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION payments.user_payment_counts_deleted();
CREATE TRIGGER user_payment_counts_moved
    AFTER UPDATE OF user_id ON payments.user_payments
    FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id)
    EXECUTE FUNCTION payments.user_payment_counts_moved();
CREATE TRIGGER user_payment_counts_truncated
    AFTER TRUNCATE ON payments.user_payments
    FOR EACH STATEMENT EXECUTE FUNCTION payments.user_payment_counts_truncated();

INSERT INTO payments.user_payment_counts (user_id, shard, n)
SELECT user_id, 0, count(*) FROM payments.user_payments GROUP BY user_id;
