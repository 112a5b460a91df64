-- Index diet (issue 8, SPEC §15): keep the indexes a query of the service uses, the unique ones and one per foreign
-- key; drop the rest of the original's list (SPEC §11). IndexUsageTest shows every query's index and that no index
-- is left unused. Kept here: users_pkey, users_email_index (unique; login), users_inserted_at_id_index (default
-- order and keyset of GET /users), users_status_role_index (status filter), users_role_index (role filter),
-- users_updated_at_index (sort=updated_at).
DROP INDEX IF EXISTS users.users_status_index;          -- leading column of users_status_role_index
DROP INDEX IF EXISTS users.users_active_index;
DROP INDEX IF EXISTS users.users_verified_index;
DROP INDEX IF EXISTS users.users_suspended_index;
DROP INDEX IF EXISTS users.users_deleted_index;
DROP INDEX IF EXISTS users.users_inserted_at_index;     -- leading column of users_inserted_at_id_index
DROP INDEX IF EXISTS users.users_active_status_index;
DROP INDEX IF EXISTS users.users_verified_active_index;
