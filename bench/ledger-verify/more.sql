-- :n more postings spread over the accounts (what the journal gains between two periodic runs)
CREATE TEMP VIEW acc AS SELECT id, user_id, row_number() OVER (ORDER BY id) - 1 AS k FROM payments.user_bank_accounts;
INSERT INTO payments.user_payments (amount, direction, description, payment_type, user_bank_account_id, user_id)
SELECT 1 + i % 50, CASE WHEN i % 2 = 0 THEN 'CREDIT' ELSE 'DEBIT' END, 'more ' || i || ' ' || random(), 'PAYMENT',
       a.id, a.user_id
  FROM generate_series(1, :n) i JOIN acc a ON a.k = i % (SELECT count(*) FROM acc);
SELECT count((payments.process_payment(id, user_id, true, 1e9, '{}'::jsonb, 1e9, 5)).reason)
  FROM payments.user_payments WHERE status = 'PENDING';
