-- The raw-SQL posting ceiling: the four statements of a sync posting (SPEC §6.6) as separate round trips, one
-- transaction per payment: lock the account FOR UPDATE, update its balance, insert the ledger row, update the
-- payment. Run by bench/run with pgbench -M prepared -D naccounts=10000 (c8) and -D naccounts=1 (c32).
\set aid random(1, :naccounts)
\set pid random(1, :npayments)
BEGIN;
SELECT balance FROM bench_accounts WHERE id = :aid FOR UPDATE;
UPDATE bench_accounts SET balance = balance + 0.01, updated_at = now() WHERE id = :aid;
INSERT INTO bench_ledger (account_id, payment_id, amount, direction, description, posted_at)
    VALUES (:aid, :pid, 0.01, 'CREDIT', 'bench ' || :pid, now());
UPDATE bench_payments SET status = 'COMPLETED', posted_at = now(), updated_at = now() WHERE id = :pid;
END;
