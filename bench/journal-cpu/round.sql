BEGIN;
SELECT split_part(pg_read_file('/proc/self/schedstat'), ' ', 1)::bigint AS t0 \gset
SELECT count((payments.process_payment(id, user_id, true, 1e9, '{}'::jsonb, 1e9, 5)).reason) > 0 AS failed
  FROM payments.user_payments WHERE status = 'PENDING' AND description LIKE :'pfx' \gset
SET CONSTRAINTS ALL IMMEDIATE;
SELECT round((split_part(pg_read_file('/proc/self/schedstat'), ' ', 1)::bigint - :t0) / 2000 / 1000.0, 1) AS us \gset
ROLLBACK;
\if :failed
\echo failed:
\else
\echo :us
\endif
