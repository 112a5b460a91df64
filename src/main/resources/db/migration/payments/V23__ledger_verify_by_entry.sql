-- Issue 8: the ledger verify (the periodic job and GET /api/admin/ledger/verify) reads an entry's lines by the entry
-- alone, so its cost stays linear in the lines it checks whatever the statistics say.
--
-- Found in the benchmark: 60 s after the node started, its first periodic verify (incremental, every checkpoint still
-- at 0) kept one PostgreSQL backend busy for ~35 s (pg_stat_activity sampled every 50 ms: active on every sample from
-- 11:37:45 to 11:38:15), in the middle of the hot and async figures, on a journal of a few hundred thousand lines.
-- The entry_amount_mismatch check sums, per payment entry, the entry's lines on the payment's account
-- (entry_id = e AND account_id = a). With no statistics on payments.journal_lines (nothing had analyzed it: this
-- machine runs with autovacuum off, and a journal that grew since its last ANALYZE looks the same) the planner
-- ANDed two bitmaps for it: the entry's lines from the primary key and EVERY line of the account from
-- (account_id, seq) — per entry. That is quadratic in an account's history: on the quick benchmark's database
-- (38,732 new lines, one account with 8,000 of them) the incremental run took 1.7 s instead of 0.44 s, and the full
-- one 1.5 s instead of 0.25 s; on the full benchmark's one account has ~40k lines.
--
-- Now the lookup is by entry only (a primary-key range of the entry's few lines) and the account is a FILTER on the
-- sum, not a condition the planner could answer from another index. Same result: the sum of the entry's lines on the
-- payment's account, 0 when it has none. Both functions are otherwise payments/V14's and payments/V11's as they were.

CREATE OR REPLACE FUNCTION payments.ledger_verify_incremental(p_max_listed integer) RETURNS jsonb AS $$
WITH acc AS MATERIALIZED (
    SELECT a.id, a.balance, a.journal_seq, a.journal_hash,
           coalesce(c.seq, 0) AS cseq, c.hash AS chash, coalesce(c.total, 0) AS ctotal
      FROM payments.user_bank_accounts a
      LEFT JOIN payments.ledger_verify_accounts c ON c.account_id = a.id
), fresh AS MATERIALIZED (
    -- each account's lines after its checkpoint (an index range per account), chained on the checkpoint
    SELECT acc.id AS account_id, f.entry_id, f.seq, f.amount, f.hash, f.n, f.want
      FROM acc
     CROSS JOIN LATERAL (
        SELECT l.entry_id, l.seq, l.amount, l.hash, acc.cseq + row_number() OVER w AS n,
               payments.journal_line_hash(CASE WHEN row_number() OVER w = 1 THEN acc.chash ELSE lag(l.hash) OVER w END,
                                          l.entry_id, l.account_id, l.seq, l.currency, l.amount, l.posted_at) AS want
          FROM payments.journal_lines l
         WHERE l.account_id = acc.id AND l.seq > acc.cseq
        WINDOW w AS (ORDER BY l.seq)) f
), tip AS MATERIALIZED (
    -- each account's checkpoint moved over its new lines
    SELECT acc.id, acc.balance, acc.journal_seq, acc.journal_hash, acc.cseq,
           coalesce(s.seq, acc.cseq) AS seq, CASE WHEN s.seq IS NULL THEN acc.chash ELSE s.hash END AS hash,
           acc.ctotal + coalesce(s.total, 0) AS total
      FROM acc
      LEFT JOIN (SELECT DISTINCT ON (f.account_id) f.account_id, f.seq, f.hash,
                        sum(f.amount) OVER (PARTITION BY f.account_id) AS total
                   FROM fresh f
                  ORDER BY f.account_id, f.seq DESC) s ON s.account_id = acc.id
), entries AS MATERIALIZED (
    -- the entries of the new lines, each with its payment (if it is a payment's and that payment exists); every
    -- lookup a LATERAL ... OFFSET 0 (not flattened), so it stays a primary-key probe per entry whatever the estimates
    SELECT e.entry_id, je.id IS NOT NULL AS found, p.id AS payment_id, p.status, p.user_bank_account_id,
           CASE WHEN p.direction = 'DEBIT' THEN -p.amount ELSE p.amount END AS signed
      FROM (SELECT DISTINCT f.entry_id FROM fresh f) e
      LEFT JOIN LATERAL (SELECT je.id, je.source_type, je.source_id FROM payments.journal_entries je
                          WHERE je.id = e.entry_id OFFSET 0) je ON true
      LEFT JOIN LATERAL (SELECT p.id, p.status, p.user_bank_account_id, p.direction, p.amount
                           FROM payments.user_payments p
                          WHERE p.id = je.source_id AND je.source_type = 'payment' OFFSET 0) p ON true
), d AS MATERIALIZED (
    SELECT 'chain_broken' AS kind, f.account_id, f.entry_id,
           CASE WHEN f.seq <> f.n THEN f.n::text ELSE encode(f.want, 'hex') END AS expected,
           CASE WHEN f.seq <> f.n THEN f.seq::text ELSE encode(f.hash, 'hex') END AS actual
      FROM fresh f
     WHERE f.seq <> f.n OR f.hash IS DISTINCT FROM f.want
    UNION ALL
    -- the checkpoint's own line changed (its stored hash, or its fields: recomputed on the line before it) or gone
    SELECT 'chain_broken', acc.id, l.entry_id, encode(acc.chash, 'hex'), coalesce(encode(l.want, 'hex'), 'missing')
      FROM acc
      LEFT JOIN LATERAL (
        SELECT l.entry_id, l.hash,
               payments.journal_line_hash((SELECT b.hash FROM payments.journal_lines b
                                            WHERE b.account_id = acc.id AND b.seq = acc.cseq - 1),
                                          l.entry_id, l.account_id, l.seq, l.currency, l.amount, l.posted_at) AS want
          FROM payments.journal_lines l
         WHERE l.account_id = acc.id AND l.seq = acc.cseq OFFSET 0) l ON true
     WHERE acc.cseq > 0 AND (l.hash IS DISTINCT FROM acc.chash OR l.want IS DISTINCT FROM acc.chash)
    UNION ALL
    SELECT 'chain_broken', t.id, NULL,
           t.seq::text || ':' || coalesce(encode(t.hash, 'hex'), ''),
           t.journal_seq::text || ':' || coalesce(encode(t.journal_hash, 'hex'), '')
      FROM tip t
     WHERE t.journal_seq <> t.seq OR t.journal_hash IS DISTINCT FROM t.hash
    UNION ALL
    SELECT 'balance_mismatch', t.id, NULL, t.total::numeric(15,2)::text, t.balance::text
      FROM tip t
     WHERE t.balance <> t.total
    UNION ALL
    SELECT 'unbalanced_entry', NULL, e.entry_id, '0.00', b.total::text
      FROM entries e
     CROSS JOIN LATERAL (SELECT sum(l.amount) AS total FROM payments.journal_lines l
                          WHERE l.entry_id = e.entry_id GROUP BY l.currency HAVING sum(l.amount) <> 0 OFFSET 0) b
    UNION ALL
    SELECT 'orphan_line', f.account_id, f.entry_id, '1', '0'
      FROM fresh f
      JOIN entries e ON e.entry_id = f.entry_id
     WHERE NOT e.found
    UNION ALL
    SELECT 'unexpected_entry', e.user_bank_account_id, e.entry_id, '0', '1'
      FROM entries e
     WHERE e.payment_id IS NOT NULL AND e.status <> 'COMPLETED'
    UNION ALL
    SELECT 'entry_amount_mismatch', e.user_bank_account_id, e.entry_id, e.signed::text, m.moved::numeric(15,2)::text
      FROM entries e
     CROSS JOIN LATERAL (SELECT coalesce(sum(l.amount) FILTER (WHERE l.account_id = e.user_bank_account_id), 0) AS moved
                           FROM payments.journal_lines l
                          WHERE l.entry_id = e.entry_id OFFSET 0) m
     WHERE e.payment_id IS NOT NULL AND e.status = 'COMPLETED' AND m.moved <> e.signed
), held AS (
    -- accounts whose checkpoint must not move: a finding on them or on an entry of their new lines
    SELECT d.account_id FROM d WHERE d.account_id IS NOT NULL
    UNION
    SELECT f.account_id FROM fresh f JOIN d ON d.entry_id = f.entry_id
), advanced AS (
    INSERT INTO payments.ledger_verify_accounts AS c (account_id, seq, hash, total, verified_at)
    SELECT t.id, t.seq, t.hash, t.total, now()
      FROM tip t
     WHERE t.seq > t.cseq AND NOT EXISTS (SELECT 1 FROM held h WHERE h.account_id = t.id)
    ON CONFLICT (account_id) DO UPDATE
       SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, total = EXCLUDED.total, verified_at = EXCLUDED.verified_at
     WHERE c.seq < EXCLUDED.seq   -- only forward (a concurrent run from an older snapshot does not move it back)
    RETURNING 1
), forgotten AS (
    DELETE FROM payments.ledger_verify_accounts c
     WHERE NOT EXISTS (SELECT 1 FROM acc WHERE acc.id = c.account_id)
    RETURNING 1
)
SELECT jsonb_build_object(
         'entries_checked', (SELECT count(*) FROM entries),
         'lines_checked', (SELECT count(*) FROM fresh),
         'accounts_checked', (SELECT count(*) FROM acc),
         'checkpoints_advanced', (SELECT count(*) FROM advanced),
         'checkpoints_dropped', (SELECT count(*) FROM forgotten),
         'violations', (SELECT count(*) FROM d),
         'balanced', NOT EXISTS (SELECT 1 FROM d WHERE d.kind IN ('unbalanced_entry', 'empty_entry', 'orphan_line')),
         'chain_intact', NOT EXISTS (SELECT 1 FROM d WHERE d.kind = 'chain_broken'),
         'discrepancies', (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', v.kind, 'account_id', v.account_id,
                                                                        'entry_id', v.entry_id, 'expected', v.expected,
                                                                        'actual', v.actual)), '[]'::jsonb)
                             FROM (SELECT * FROM d ORDER BY d.kind, d.account_id, d.entry_id LIMIT p_max_listed) v))
$$ LANGUAGE sql
-- The CTEs' row estimates are far too high (the planner cannot know how few lines are new), so the plan's cost passes
-- the JIT thresholds: compiling it took 3-6 s on a 200k-line journal, against ~60 ms to run it without.
SET jit = off;

CREATE OR REPLACE FUNCTION payments.ledger_verify()
RETURNS TABLE (kind text, account_id uuid, entry_id bigint, expected text, actual text) AS $$
    SELECT 'unbalanced_entry', NULL::uuid, l.entry_id, '0.00', sum(l.amount)::text
      FROM payments.journal_lines l
     GROUP BY l.entry_id, l.currency
    HAVING sum(l.amount) <> 0
    UNION ALL
    SELECT 'empty_entry', NULL, e.id, '2', '0'
      FROM payments.journal_entries e
     WHERE NOT EXISTS (SELECT 1 FROM payments.journal_lines l WHERE l.entry_id = e.id)
    UNION ALL
    SELECT 'orphan_line', l.account_id, l.entry_id, '1', '0'
      FROM payments.journal_lines l
     WHERE NOT EXISTS (SELECT 1 FROM payments.journal_entries e WHERE e.id = l.entry_id)
    UNION ALL
    SELECT 'chain_broken', c.account_id, c.entry_id,
           CASE WHEN c.seq <> c.n THEN c.n::text ELSE encode(c.want, 'hex') END,
           CASE WHEN c.seq <> c.n THEN c.seq::text ELSE encode(c.hash, 'hex') END
      FROM (SELECT l.account_id, l.entry_id, l.seq, l.hash,
                   row_number() OVER w AS n,
                   payments.journal_line_hash(lag(l.hash) OVER w, l.entry_id, l.account_id, l.seq, l.currency,
                                              l.amount, l.posted_at) AS want
              FROM payments.journal_lines l
             WHERE l.account_id IS NOT NULL
            WINDOW w AS (PARTITION BY l.account_id ORDER BY l.seq)) c
     WHERE c.seq <> c.n OR c.hash IS DISTINCT FROM c.want
    UNION ALL
    SELECT 'chain_broken', a.id, NULL,
           coalesce(h.seq, 0)::text || ':' || coalesce(encode(h.hash, 'hex'), ''),
           a.journal_seq::text || ':' || coalesce(encode(a.journal_hash, 'hex'), '')
      FROM payments.user_bank_accounts a
      LEFT JOIN LATERAL (SELECT l.seq, l.hash FROM payments.journal_lines l
                          WHERE l.account_id = a.id ORDER BY l.seq DESC LIMIT 1) h ON true
     WHERE a.journal_seq <> coalesce(h.seq, 0) OR a.journal_hash IS DISTINCT FROM h.hash
    UNION ALL
    SELECT 'balance_mismatch', a.id, NULL, coalesce(j.total, 0)::numeric(15,2)::text, a.balance::text
      FROM payments.user_bank_accounts a
      LEFT JOIN (SELECT l.account_id, sum(l.amount) AS total FROM payments.journal_lines l
                  WHERE l.account_id IS NOT NULL GROUP BY l.account_id) j ON j.account_id = a.id
     WHERE a.balance <> coalesce(j.total, 0)
    UNION ALL
    SELECT 'missing_entry', p.user_bank_account_id, NULL, '1', '0'
      FROM payments.user_payments p
     WHERE p.status = 'COMPLETED'
       AND NOT EXISTS (SELECT 1 FROM payments.journal_entries e WHERE e.source_id = p.id AND e.source_type = 'payment')
    UNION ALL
    SELECT 'unexpected_entry', p.user_bank_account_id, e.id, '0', '1'
      FROM payments.user_payments p
      JOIN payments.journal_entries e ON e.source_id = p.id AND e.source_type = 'payment'
     WHERE p.status <> 'COMPLETED'
    UNION ALL
    SELECT 'entry_amount_mismatch', p.user_bank_account_id, e.id,
           (CASE WHEN p.direction = 'DEBIT' THEN -p.amount ELSE p.amount END)::text, m.moved::numeric(15,2)::text
      FROM payments.user_payments p
      JOIN payments.journal_entries e ON e.source_id = p.id AND e.source_type = 'payment'
     CROSS JOIN LATERAL (SELECT coalesce(sum(l.amount) FILTER (WHERE l.account_id = p.user_bank_account_id), 0) AS moved
                           FROM payments.journal_lines l
                          WHERE l.entry_id = e.id OFFSET 0) m
     WHERE p.status = 'COMPLETED'
       AND m.moved <> CASE WHEN p.direction = 'DEBIT' THEN -p.amount ELSE p.amount END
$$ LANGUAGE sql STABLE
SET jit = off;
