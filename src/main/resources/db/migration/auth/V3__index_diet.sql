-- Index diet (issue 8, SPEC §15): keep the indexes a query of the service uses, the unique ones and one per foreign
-- key. refresh_tokens keeps jti (unique; refresh, logout), user_id (logout-all / password change, and the FK that
-- cascades a user delete), family_id (revoking a session) and expires_at (the purge). No index on revoked_at is
-- left, so revoking a token (every refresh) can be a HOT update that writes no index entry.
DROP INDEX IF EXISTS auth.refresh_tokens_revoked_at_index;
DROP INDEX IF EXISTS auth.refresh_tokens_user_id_revoked_at_index;
DROP INDEX IF EXISTS auth.refresh_tokens_user_id_expires_at_revoked_at_index;
DROP INDEX IF EXISTS auth.refresh_tokens_user_id_live_index;   -- revoking a user's live tokens uses the user_id index

-- audit_events is written, never read by the service (its reader is an operator with psql); no index but the key.
DROP INDEX IF EXISTS auth.audit_events_user_id_occurred_at_index;
DROP INDEX IF EXISTS auth.audit_events_event_occurred_at_index;
