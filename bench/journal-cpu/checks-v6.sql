-- payments/V6's five CHECKs on the journal tables (as the V6 rounds ran with them)
ALTER TABLE payments.journal_lines DROP CONSTRAINT IF EXISTS journal_lines_check,
  DROP CONSTRAINT IF EXISTS journal_lines_one_account_check, DROP CONSTRAINT IF EXISTS journal_lines_chain_check, DROP CONSTRAINT IF EXISTS journal_lines_currency_check,
  ADD CONSTRAINT journal_lines_one_account_check CHECK ((account_id IS NULL) <> (system_account IS NULL)),
  ADD CONSTRAINT journal_lines_chain_check
        CHECK (account_id IS NULL AND seq IS NULL AND hash IS NULL
               OR account_id IS NOT NULL AND seq IS NOT NULL AND hash IS NOT NULL),
  ADD CONSTRAINT journal_lines_currency_check CHECK (currency ~ '^[A-Z]{3}$');
ALTER TABLE payments.journal_entries DROP CONSTRAINT IF EXISTS journal_entries_check,
  DROP CONSTRAINT IF EXISTS journal_entries_source_type_check, DROP CONSTRAINT IF EXISTS journal_entries_currency_check,
  ADD CONSTRAINT journal_entries_source_type_check CHECK (source_type IN ('payment', 'opening')),
  ADD CONSTRAINT journal_entries_currency_check CHECK (currency ~ '^[A-Z]{3}$');
