-- Slice "users" (SPEC §11). Flyway creates the schema; every object is schema-qualified.
-- Timestamps are timestamptz(0); defaults truncate (not round) to whole seconds, so a
-- default never lies in the future.

CREATE TABLE users.users (
    id            uuid                     NOT NULL DEFAULT gen_random_uuid(),
    email         varchar(255)             NOT NULL,
    full_name     varchar(255)             NOT NULL,
    status        varchar(255)             NOT NULL DEFAULT 'ACTIVE',
    role          varchar(255)             NOT NULL DEFAULT 'user',
    password_hash varchar(255)             NOT NULL,
    active        boolean                  NOT NULL DEFAULT true,
    verified      boolean                  DEFAULT false,
    suspended     boolean                  DEFAULT false,
    deleted       boolean                  DEFAULT false,
    inserted_at   timestamptz(0)           NOT NULL DEFAULT date_trunc('second', now()),
    updated_at    timestamptz(0)           NOT NULL DEFAULT date_trunc('second', now()),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_index UNIQUE (email),
    CONSTRAINT users_status_check CHECK (status IN ('ACTIVE', 'SUSPENDED', 'DELETED')),
    CONSTRAINT users_role_check CHECK (role IN ('user', 'admin', 'support'))
);

CREATE INDEX users_status_index            ON users.users (status);
CREATE INDEX users_role_index              ON users.users (role);
CREATE INDEX users_active_index            ON users.users (active);
CREATE INDEX users_verified_index          ON users.users (verified);
CREATE INDEX users_suspended_index         ON users.users (suspended);
CREATE INDEX users_deleted_index           ON users.users (deleted);
CREATE INDEX users_inserted_at_index       ON users.users (inserted_at);
CREATE INDEX users_updated_at_index        ON users.users (updated_at);
CREATE INDEX users_status_role_index       ON users.users (status, role);
CREATE INDEX users_active_status_index     ON users.users (active, status);
CREATE INDEX users_inserted_at_id_index    ON users.users (inserted_at, id);
CREATE INDEX users_verified_active_index   ON users.users (verified, active);
