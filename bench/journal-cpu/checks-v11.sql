-- payments/V11's two CHECKs on the journal tables
ALTER TABLE payments.journal_lines DROP CONSTRAINT IF EXISTS journal_lines_check,
  DROP CONSTRAINT IF EXISTS journal_lines_one_account_check, DROP CONSTRAINT IF EXISTS journal_lines_chain_check, DROP CONSTRAINT IF EXISTS journal_lines_currency_check,
  ADD CONSTRAINT journal_lines_check
        CHECK (num_nulls(account_id, seq, hash) = 3 * num_nonnulls(system_account) AND currency ~ '^[A-Z]{3}$');
ALTER TABLE payments.journal_entries DROP CONSTRAINT IF EXISTS journal_entries_check,
  DROP CONSTRAINT IF EXISTS journal_entries_source_type_check, DROP CONSTRAINT IF EXISTS journal_entries_currency_check,
  ADD CONSTRAINT journal_entries_check CHECK (source_type IN ('payment', 'opening') AND currency ~ '^[A-Z]{3}$');
