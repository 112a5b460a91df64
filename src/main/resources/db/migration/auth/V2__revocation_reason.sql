-- Why a refresh token was revoked. Reuse detection (SPEC §4.4) needs to tell a token that was ROTATED (presenting
-- it again is theft → the whole family is revoked) from one revoked by logout, logout-all or a password change.
-- Values: rotated, logout, logout_all, password_change, reuse_detected.
ALTER TABLE auth.refresh_tokens ADD COLUMN revoked_reason varchar(32);

-- logout-all / password change revoke the live tokens of one user
CREATE INDEX refresh_tokens_user_id_live_index ON auth.refresh_tokens (user_id) WHERE revoked_at IS NULL;
