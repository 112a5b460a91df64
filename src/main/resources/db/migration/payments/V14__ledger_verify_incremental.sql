-- Issue 12 follow-up: the periodic ledger verify no longer rereads the whole journal on every run.
--
-- payments.ledger_verify() (payments/V6, V11) recomputes everything: every entry, every line, every chain, every
-- payment; its cost grows with the journal's history. It stays as it is, for the admin route
-- (GET /api/admin/ledger/verify) and for the periodic job's full run (every payments.ledger_verify_full_interval_ms).
-- In between, the periodic job runs payments.ledger_verify_incremental(), whose cost grows with the lines written since
-- its last run plus one index probe per account:
--
--   payments.ledger_verify_accounts  per account, the verified prefix of its chain: the seq and hash of the last
--                                    verified line and the sum of the lines up to it (the checkpoint)
--   payments.ledger_verify_state     the outcome of the last full run (when, how many, what): the periodic job
--                                    reports it together with each incremental run's findings until the next full run
--
-- An incremental run, in one statement (one snapshot), for every existing account:
--   * the lines after its checkpoint chain on it (seq without gap, each hash recomputes from the previous one and the
--     checkpoint's hash), and the checkpoint's own line still has the verified hash and still recomputes to it (from
--     its fields and the stored hash of the line before it);
--   * the head on the account row (journal_seq, journal_hash; payments/V11) is the chain's last line;
--   * the stored balance is the checkpoint's sum plus the new lines;
-- and for the entries of the new lines: they balance per currency, exist (no orphan line), and a payment's entry
-- belongs to a COMPLETED payment and moves its account by the payment's signed amount. Race-free with postings: a
-- posting moves the head and writes its lines in one transaction, so the snapshot holds every line up to the head it
-- shows (a line beyond the head is itself a finding). The checkpoint of an account advances only when all of that
-- held for it, so a finding is reported again by every run until it is corrected.
--
-- What only the full run finds: an edit (made around the triggers) of a line before an account's checkpoint other
-- than the checkpoint's own line (the chain and the cached sum of that prefix are not recomputed; an edit of the
-- checkpoint's own line is found as chain_broken, but its balance_mismatch only by the full run), entries without a
-- user-account line, empty entries, lines of deleted accounts, payments changed after their entry was checked
-- (status or amount: missing_entry, unexpected_entry, entry_amount_mismatch of older entries), and an edit of the
-- checkpoint tables themselves (the full run does not read them).

CREATE TABLE payments.ledger_verify_accounts (
    account_id  uuid          NOT NULL,   -- not an FK: a deleted account's checkpoint is dropped by the next run
    seq         bigint        NOT NULL,   -- the last verified line of the account's chain (0: none)
    hash        bytea,                    -- its hash (NULL: none)
    total       numeric(15,2) NOT NULL,   -- the sum of the account's lines up to seq
    verified_at timestamptz   NOT NULL,
    CONSTRAINT ledger_verify_accounts_pkey PRIMARY KEY (account_id)
);

CREATE TABLE payments.ledger_verify_state (
    id                 smallint    NOT NULL DEFAULT 1,
    full_at            timestamptz,                         -- the last full run (NULL: none yet)
    full_violations    bigint      NOT NULL DEFAULT 0,      -- how many discrepancies it found
    full_discrepancies jsonb       NOT NULL DEFAULT '[]',   -- the first of them (as GET /api/admin/ledger/verify)
    CONSTRAINT ledger_verify_state_pkey PRIMARY KEY (id),
    CONSTRAINT ledger_verify_state_check CHECK (id = 1)
);
INSERT INTO payments.ledger_verify_state (id) VALUES (1);

-- One incremental run (see above), recording the advanced checkpoints; answers
-- {entries_checked, lines_checked, accounts_checked, violations, balanced, chain_intact, discrepancies: [first
-- p_max_listed of {kind, account_id, entry_id, expected, actual}]} with the kinds and shapes of payments.ledger_verify().
CREATE FUNCTION payments.ledger_verify_incremental(p_max_listed integer) RETURNS jsonb AS $$
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
     CROSS JOIN LATERAL (SELECT coalesce(sum(l.amount), 0) AS moved FROM payments.journal_lines l
                          WHERE l.entry_id = e.entry_id AND l.account_id = e.user_bank_account_id OFFSET 0) m
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

-- The full check's plan passes the JIT thresholds too, and compiling it costs more than it saves (measured: 0.3-1 s
-- more per run on a 40k-line journal); Ledger.VERIFY also sets it off for its own statement.
ALTER FUNCTION payments.ledger_verify() SET jit = off;
