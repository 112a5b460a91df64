-- Index diet (issue 8, SPEC §15): keep the indexes a query of the service uses, the unique ones and one per foreign
-- key. banks and bank_branches are small reference tables read whole (GET /banks) or by primary key.
DROP INDEX IF EXISTS banksync.banks_country_index;
DROP INDEX IF EXISTS banksync.banks_status_index;
DROP INDEX IF EXISTS banksync.banks_status_country_index;
DROP INDEX IF EXISTS banksync.banks_inserted_at_id_index;

-- bank_branches keeps bank_id (the FK from banks and the join of GET /banks)
DROP INDEX IF EXISTS banksync.bank_branches_country_index;
DROP INDEX IF EXISTS banksync.bank_branches_bank_id_inserted_at_id_index;

-- user_bank_logins keeps the unique (user_id, bank_branch_id, username) (a user's logins; the user FK) and
-- bank_branch_id (the branch FK). Whether a login is due for its periodic sync depends on its own sync_frequency,
-- which no index can order, so the scheduler reads the ACTIVE logins; an index on status does not help it.
DROP INDEX IF EXISTS banksync.user_bank_logins_user_id_index;
DROP INDEX IF EXISTS banksync.user_bank_logins_status_index;
DROP INDEX IF EXISTS banksync.user_bank_logins_user_id_status_index;
DROP INDEX IF EXISTS banksync.user_bank_logins_bank_branch_id_status_index;
DROP INDEX IF EXISTS banksync.user_bank_logins_user_id_inserted_at_id_index;
DROP INDEX IF EXISTS banksync.user_bank_logins_status_last_sync_at_index;
