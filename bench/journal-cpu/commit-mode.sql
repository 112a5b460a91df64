-- The per-transaction mode's round (bench/journal-cpu/run ... commit): new PENDING payments (unique descriptions
-- '<tag> <kind> n', spread over the 100 accounts or all on the first), committed; then each posted by process_payment
-- in its own transaction, the on-CPU time of the backend around the postings (µs per posting; NULL if one failed).
CREATE PROCEDURE public.bench_commit_round(p_kind text, p_tag text, p_n integer, INOUT us numeric) AS $$
DECLARE
    t0    bigint;
    ids   uuid[];
    users uuid[];
    ok    boolean := true;
BEGIN
    INSERT INTO payments.user_payments (amount, direction, description, payment_type, user_bank_account_id, user_id)
    SELECT 1 + i % 50, CASE WHEN i % 2 = 0 THEN 'CREDIT' ELSE 'DEBIT' END, p_tag || ' ' || p_kind || ' ' || i,
           'PAYMENT', a.id, a.user_id
      FROM generate_series(1, p_n) i
      JOIN (SELECT id, user_id, row_number() OVER (ORDER BY id) - 1 AS k FROM payments.user_bank_accounts) a
        ON a.k = CASE WHEN p_kind = 'hot' THEN 0 ELSE i % 100 END;
    COMMIT;
    SELECT array_agg(p.id ORDER BY p.id), array_agg(p.user_id ORDER BY p.id) INTO ids, users
      FROM payments.user_payments p WHERE p.status = 'PENDING' AND p.description LIKE p_tag || ' ' || p_kind || ' %';
    t0 := split_part(pg_read_file('/proc/self/schedstat'), ' ', 1)::bigint;
    FOR i IN 1 .. p_n LOOP
        IF (payments.process_payment(ids[i], users[i], true, 1e9, '{}'::jsonb, 1e9, 5)).reason IS NOT NULL THEN
            ok := false;
        END IF;
        COMMIT;
    END LOOP;
    us := CASE WHEN ok THEN round((split_part(pg_read_file('/proc/self/schedstat'), ' ', 1)::bigint - t0)
                                  / p_n / 1000.0, 1) END;
END
$$ LANGUAGE plpgsql;
