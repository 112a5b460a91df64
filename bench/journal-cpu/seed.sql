-- After bench/posted-history.sql (100 accounts, 5,000 postings of history, through the current posting function):
-- 2,000 PENDING payments spread over the accounts ('spread n') and 2,000 on the first account ('hot n').
CREATE TEMP VIEW acc AS SELECT id, user_id, row_number() OVER (ORDER BY id) - 1 AS k FROM payments.user_bank_accounts;
INSERT INTO payments.user_payments (amount, direction, description, payment_type, user_bank_account_id, user_id)
SELECT 1 + i % 50, CASE WHEN i % 2 = 0 THEN 'CREDIT' ELSE 'DEBIT' END, 'spread ' || i, 'PAYMENT', a.id, a.user_id
  FROM generate_series(1, 2000) i JOIN acc a ON a.k = i % 100;
INSERT INTO payments.user_payments (amount, direction, description, payment_type, user_bank_account_id, user_id)
SELECT 1 + i % 50, CASE WHEN i % 2 = 0 THEN 'CREDIT' ELSE 'DEBIT' END, 'hot ' || i, 'PAYMENT', a.id, a.user_id
  FROM generate_series(1, 2000) i JOIN acc a ON a.k = 0;
VACUUM ANALYZE;
