-- :accounts users with one account each and :postings payments posted through the posting function (each a journal
-- entry of two lines): about 2 × :postings + 2 × :accounts journal lines. The seed of bench/ledger-verify and of
-- bench/journal-cpu (psql -v accounts=N -v postings=M -f bench/posted-history.sql).
INSERT INTO users.users (email, full_name, role, status, password_hash)
SELECT 'v' || i || '@example.com', 'V ' || i, 'user', 'ACTIVE', 'x' FROM generate_series(1, :accounts) i;
INSERT INTO banksync.banks (name, country, code, status) VALUES ('Bench', 'US', 'BENCH', 'ACTIVE');
INSERT INTO banksync.bank_branches (name, country, bank_id) SELECT 'Br', 'US', id FROM banksync.banks;
INSERT INTO banksync.user_bank_logins (username, status, user_id, bank_branch_id)
SELECT 'l' || u.email, 'ACTIVE', u.id, (SELECT id FROM banksync.bank_branches LIMIT 1) FROM users.users u;
INSERT INTO payments.user_bank_accounts (currency, account_type, balance, last_four, account_name, status,
    user_bank_login_id, user_id)
SELECT 'USD', 'CHECKING', 1000000, '1234', 'A', 'ACTIVE', l.id, l.user_id FROM banksync.user_bank_logins l;
CREATE TEMP VIEW acc AS SELECT id, user_id, row_number() OVER (ORDER BY id) - 1 AS k FROM payments.user_bank_accounts;
INSERT INTO payments.user_payments (amount, direction, description, payment_type, user_bank_account_id, user_id)
SELECT 1 + i % 50, CASE WHEN i % 2 = 0 THEN 'CREDIT' ELSE 'DEBIT' END, 'history ' || i, 'PAYMENT', a.id, a.user_id
  FROM generate_series(1, :postings) i JOIN acc a ON a.k = i % :accounts;
SELECT count((payments.process_payment(id, user_id, true, 1e9, '{}'::jsonb, 1e9, 5)).reason)
  FROM payments.user_payments WHERE status = 'PENDING';
VACUUM ANALYZE;
