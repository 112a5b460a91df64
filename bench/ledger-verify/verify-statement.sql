-- Ledger.VERIFY as the service sends it (the admin route, the periodic full run; every periodic run before
-- payments/V14), with $1 = 1000; kept in step with Ledger.java by hand.
WITH d AS MATERIALIZED (SELECT * FROM payments.ledger_verify())
SELECT (SELECT count(*) FROM payments.journal_entries) AS entries_checked,
(SELECT count(*) FROM (SELECT a.id FROM payments.user_bank_accounts a
UNION
SELECT l.account_id FROM payments.journal_lines l
WHERE l.account_id IS NOT NULL) x) AS accounts_checked,
(SELECT count(*) FROM d) AS violations,
NOT EXISTS (SELECT 1 FROM d WHERE d.kind IN ('unbalanced_entry', 'empty_entry', 'orphan_line')) AS balanced,
NOT EXISTS (SELECT 1 FROM d WHERE d.kind = 'chain_broken') AS chain_intact,
(SELECT coalesce(jsonb_agg(jsonb_build_object('kind', v.kind, 'account_id', v.account_id,
'entry_id', v.entry_id, 'expected', v.expected,
'actual', v.actual)), '[]'::jsonb)::text
FROM (SELECT * FROM d ORDER BY d.kind, d.account_id, d.entry_id LIMIT 1000) v) AS discrepancies;
