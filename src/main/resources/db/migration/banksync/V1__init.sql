-- Slice "banksync" (SPEC §11, §8, §9): banks, branches, users' bank logins (OAuth tokens stored as
-- AES-GCM ciphertext in text columns) and webhook replay protection.
-- Migrated after "users" and "auth".

CREATE TABLE banksync.banks (
    id                 uuid           NOT NULL DEFAULT gen_random_uuid(),
    name               varchar(255)   NOT NULL,
    country            varchar(255)   NOT NULL,
    code               varchar(255)   NOT NULL,
    logo_url           varchar(255),
    api_endpoint       varchar(255),
    status             varchar(255)   NOT NULL DEFAULT 'ACTIVE',
    integration_module varchar(255),
    inserted_at        timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    updated_at         timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    CONSTRAINT banks_pkey PRIMARY KEY (id),
    CONSTRAINT banks_name_index UNIQUE (name),
    CONSTRAINT banks_code_index UNIQUE (code),
    CONSTRAINT banks_country_check CHECK (country ~ '^[A-Z]{2,3}$'),
    CONSTRAINT banks_code_check CHECK (code ~ '^[A-Z0-9_]{3,32}$'),
    CONSTRAINT banks_status_check CHECK (status IN ('ACTIVE', 'INACTIVE'))
);

CREATE INDEX banks_country_index        ON banksync.banks (country);
CREATE INDEX banks_status_index         ON banksync.banks (status);
CREATE INDEX banks_status_country_index ON banksync.banks (status, country);
CREATE INDEX banks_inserted_at_id_index ON banksync.banks (inserted_at, id);

CREATE TABLE banksync.bank_branches (
    id             uuid           NOT NULL DEFAULT gen_random_uuid(),
    name           varchar(255)   NOT NULL,
    iban           varchar(255),
    country        varchar(255)   NOT NULL,
    routing_number varchar(255),
    swift_code     varchar(255),
    bank_id        uuid           NOT NULL,
    inserted_at    timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    updated_at     timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    CONSTRAINT bank_branches_pkey PRIMARY KEY (id),
    CONSTRAINT bank_branches_iban_index UNIQUE (iban),
    CONSTRAINT bank_branches_swift_code_index UNIQUE (swift_code),
    CONSTRAINT bank_branches_iban_check CHECK (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$'),
    CONSTRAINT bank_branches_routing_number_check CHECK (routing_number ~ '^[0-9]{9}$'),
    CONSTRAINT bank_branches_bank_id_fkey FOREIGN KEY (bank_id)
        REFERENCES banksync.banks (id) ON DELETE CASCADE
);

CREATE INDEX bank_branches_bank_id_index                ON banksync.bank_branches (bank_id);
CREATE INDEX bank_branches_country_index                ON banksync.bank_branches (country);
CREATE INDEX bank_branches_bank_id_inserted_at_id_index ON banksync.bank_branches (bank_id, inserted_at, id);

CREATE TABLE banksync.user_bank_logins (
    id               uuid           NOT NULL DEFAULT gen_random_uuid(),
    username         varchar(255)   NOT NULL,
    status           varchar(255)   NOT NULL DEFAULT 'ACTIVE',
    last_sync_at     timestamptz(0),
    sync_frequency   integer        NOT NULL DEFAULT 3600,
    access_token     text,
    refresh_token    text,
    token_expires_at timestamptz(0),
    scope            varchar(255),
    provider_user_id varchar(255),
    user_id          uuid           NOT NULL,
    bank_branch_id   uuid           NOT NULL,
    inserted_at      timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    updated_at       timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    CONSTRAINT user_bank_logins_pkey PRIMARY KEY (id),
    CONSTRAINT user_bank_logins_user_id_bank_branch_id_username_index UNIQUE (user_id, bank_branch_id, username),
    CONSTRAINT user_bank_logins_status_check CHECK (status IN ('ACTIVE', 'INACTIVE', 'ERROR', 'EXPIRED')),
    CONSTRAINT user_bank_logins_sync_frequency_check CHECK (sync_frequency BETWEEN 300 AND 86400),
    CONSTRAINT user_bank_logins_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users.users (id) ON DELETE CASCADE,
    CONSTRAINT user_bank_logins_bank_branch_id_fkey FOREIGN KEY (bank_branch_id)
        REFERENCES banksync.bank_branches (id) ON DELETE CASCADE
);

CREATE INDEX user_bank_logins_user_id_index                ON banksync.user_bank_logins (user_id);
CREATE INDEX user_bank_logins_bank_branch_id_index         ON banksync.user_bank_logins (bank_branch_id);
CREATE INDEX user_bank_logins_status_index                 ON banksync.user_bank_logins (status);
CREATE INDEX user_bank_logins_user_id_status_index         ON banksync.user_bank_logins (user_id, status);
CREATE INDEX user_bank_logins_bank_branch_id_status_index  ON banksync.user_bank_logins (bank_branch_id, status);
CREATE INDEX user_bank_logins_user_id_inserted_at_id_index ON banksync.user_bank_logins (user_id, inserted_at, id);

-- Webhook replay protection: a delivery id is remembered for 24 h (expires_at), then pruned.
CREATE TABLE banksync.webhook_deliveries (
    webhook_id  varchar(255)   NOT NULL,
    provider    varchar(32)    NOT NULL,
    received_at timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    expires_at  timestamptz(0) NOT NULL,
    CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (webhook_id)
);

CREATE INDEX webhook_deliveries_expires_at_index ON banksync.webhook_deliveries (expires_at);
