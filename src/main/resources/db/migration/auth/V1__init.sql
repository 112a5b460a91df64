-- Slice "auth" (SPEC §11, §4.4): refresh tokens (sessions = families) and the security audit log.
-- Migrated after "users": the FK into users.users cascades a hard user delete atomically.

CREATE TABLE auth.refresh_tokens (
    id          uuid           NOT NULL DEFAULT gen_random_uuid(),
    jti         varchar(255)   NOT NULL,
    family_id   uuid           NOT NULL,
    expires_at  timestamptz(0) NOT NULL,
    revoked_at  timestamptz(0),
    user_id     uuid           NOT NULL,
    inserted_at timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    updated_at  timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id),
    CONSTRAINT refresh_tokens_jti_index UNIQUE (jti),
    CONSTRAINT refresh_tokens_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users.users (id) ON DELETE CASCADE
);

CREATE INDEX refresh_tokens_user_id_index                       ON auth.refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires_at_index                    ON auth.refresh_tokens (expires_at);
CREATE INDEX refresh_tokens_revoked_at_index                    ON auth.refresh_tokens (revoked_at);
CREATE INDEX refresh_tokens_user_id_revoked_at_index            ON auth.refresh_tokens (user_id, revoked_at);
CREATE INDEX refresh_tokens_user_id_expires_at_revoked_at_index ON auth.refresh_tokens (user_id, expires_at, revoked_at);
-- reuse detection / logout revoke a whole family (session)
CREATE INDEX refresh_tokens_family_id_index                     ON auth.refresh_tokens (family_id);

-- Security audit events. user_id deliberately has no FK: events outlive a hard user delete.
CREATE TABLE auth.audit_events (
    id          uuid           NOT NULL DEFAULT gen_random_uuid(),
    occurred_at timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    event       varchar(64)    NOT NULL,
    user_id     uuid,
    actor_id    uuid,
    request_id  varchar(128),
    client_ip   varchar(64),
    details     jsonb          NOT NULL DEFAULT '{}'::jsonb,
    CONSTRAINT audit_events_pkey PRIMARY KEY (id)
);

CREATE INDEX audit_events_user_id_occurred_at_index ON auth.audit_events (user_id, occurred_at);
CREATE INDEX audit_events_event_occurred_at_index   ON auth.audit_events (event, occurred_at);
