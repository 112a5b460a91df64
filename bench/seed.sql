-- Benchmark data, seeded straight into the service's database after its migrations ran (bench/run uses psql,
-- BenchSmokeTest uses JDBC). Counts come from custom settings (PGOPTIONS='-c bench.spread=N ...'):
--   bench.spread / bench.hot / bench.async  PENDING CREDIT 0.01 payments to process (one per request)
--   bench.history                           COMPLETED payments of the "big" user (the listing benchmark)
-- Needs the user bench-spread@example.com (registered over HTTP); the other users copy its password hash.
-- Every payment has a unique description, so the duplicate rule never fires; CREDIT, so neither funds nor
-- daily limits apply.
INSERT INTO users.users (email, full_name, password_hash)
SELECT 'bench-' || v.k || '@example.com', 'Bench ' || v.k, u.password_hash
FROM users.users u, (VALUES ('big'), ('small')) AS v(k)
WHERE u.email = 'bench-spread@example.com';

INSERT INTO banksync.banks (name, country, code) VALUES ('Bench Bank', 'US', 'BENCH_BANK');

INSERT INTO banksync.bank_branches (name, country, bank_id)
SELECT 'Bench Branch', 'US', id FROM banksync.banks WHERE code = 'BENCH_BANK';

INSERT INTO banksync.user_bank_logins (username, user_id, bank_branch_id)
SELECT 'bench', u.id, b.id
FROM users.users u, banksync.bank_branches b
WHERE u.email LIKE 'bench-%@example.com' AND b.name = 'Bench Branch';

-- 200 "spread" accounts and one "hot" account of the spread user; one account each for big and small.
INSERT INTO payments.user_bank_accounts (currency, account_type, balance, account_name, user_bank_login_id, user_id)
SELECT 'USD', 'CHECKING', 1000000.00, 'bench ' || a.name, l.id, l.user_id
FROM banksync.user_bank_logins l
JOIN users.users u ON u.id = l.user_id
JOIN (SELECT 'bench-spread@example.com' AS email, 'spread ' || g AS name FROM generate_series(1, 200) g
      UNION ALL SELECT 'bench-spread@example.com', 'hot'
      UNION ALL SELECT 'bench-big@example.com', 'big'
      UNION ALL SELECT 'bench-small@example.com', 'small') a ON a.email = u.email;

-- Payments to process: spread and async round-robin over the 200 accounts, hot all on one.
INSERT INTO payments.user_payments (amount, direction, description, payment_type, status, user_bank_account_id, user_id)
SELECT 0.01, 'CREDIT', 'bench ' || k.kind || ' ' || g, 'PAYMENT', 'PENDING', a.id, a.user_id
FROM (VALUES ('spread', current_setting('bench.spread')::int),
             ('async', current_setting('bench.async')::int)) AS k(kind, n),
     generate_series(1, k.n) g
JOIN payments.user_bank_accounts a ON a.account_name = 'bench spread ' || (1 + g % 200);

INSERT INTO payments.user_payments (amount, direction, description, payment_type, status, user_bank_account_id, user_id)
SELECT 0.01, 'CREDIT', 'bench hot ' || g, 'PAYMENT', 'PENDING', a.id, a.user_id
FROM generate_series(1, current_setting('bench.hot')::int) g, payments.user_bank_accounts a
WHERE a.account_name = 'bench hot';

-- The listing: a long history for "big" (one per second back in time), 100 payments for "small" (the issue's "user
-- with 100": both first pages are full, so the two figures differ only by the history behind them). CANCELLED, not
-- COMPLETED: a COMPLETED payment is only ever written by a posting (with its ledger row and journal entry), and
-- these rows only have to be listed; so the bench database still passes the ledger verify.
INSERT INTO payments.user_payments (amount, direction, description, payment_type, status,
                                    user_bank_account_id, user_id, inserted_at, updated_at)
SELECT 0.01, 'CREDIT', 'bench history ' || g, 'PAYMENT', 'CANCELLED', a.id, a.user_id,
       date_trunc('second', now()) - g * interval '1 second', date_trunc('second', now()) - g * interval '1 second'
FROM generate_series(1, current_setting('bench.history')::int) g, payments.user_bank_accounts a
WHERE a.account_name = 'bench big';

INSERT INTO payments.user_payments (amount, direction, description, payment_type, status, user_bank_account_id,
                                    user_id)
SELECT 0.01, 'CREDIT', 'bench small ' || g, 'PAYMENT', 'CANCELLED', a.id, a.user_id
FROM generate_series(1, 100) g, payments.user_bank_accounts a
WHERE a.account_name = 'bench small';

ANALYZE users.users;
ANALYZE payments.user_bank_accounts;
ANALYZE payments.user_payments;
