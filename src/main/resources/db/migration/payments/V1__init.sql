-- Slice "payments" (SPEC §11, §6): accounts, payments, the ledger of transactions and
-- Idempotency-Key records. A posting (balance + transaction row + payment status) is one
-- database transaction; the constraints below are the last line of defence for its invariants.
-- Migrated after "users", "auth" and "banksync".

CREATE TABLE payments.user_bank_accounts (
    id                  uuid           NOT NULL DEFAULT gen_random_uuid(),
    currency            varchar(255)   NOT NULL,
    account_type        varchar(255)   NOT NULL,
    balance             numeric(15,2)  NOT NULL DEFAULT 0,
    last_four           varchar(255),
    account_name        varchar(255),
    status              varchar(255)   NOT NULL DEFAULT 'ACTIVE',
    last_sync_at        timestamptz(0),
    external_account_id varchar(255),
    user_bank_login_id  uuid           NOT NULL,
    user_id             uuid           NOT NULL,
    inserted_at         timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    updated_at          timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    CONSTRAINT user_bank_accounts_pkey PRIMARY KEY (id),
    CONSTRAINT user_bank_accounts_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT user_bank_accounts_account_type_check
        CHECK (account_type IN ('CHECKING', 'SAVINGS', 'CREDIT', 'INVESTMENT')),
    CONSTRAINT user_bank_accounts_balance_check CHECK (balance >= 0 OR account_type = 'CREDIT'),
    CONSTRAINT user_bank_accounts_last_four_check CHECK (last_four ~ '^[0-9]{4}$'),
    CONSTRAINT user_bank_accounts_account_name_check CHECK (char_length(account_name) BETWEEN 1 AND 100),
    CONSTRAINT user_bank_accounts_status_check CHECK (status IN ('ACTIVE', 'INACTIVE', 'CLOSED')),
    CONSTRAINT user_bank_accounts_external_account_id_check
        CHECK (external_account_id ~ '^[A-Za-z0-9]{1,50}$'),
    CONSTRAINT user_bank_accounts_user_bank_login_id_fkey FOREIGN KEY (user_bank_login_id)
        REFERENCES banksync.user_bank_logins (id) ON DELETE CASCADE,
    CONSTRAINT user_bank_accounts_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users.users (id) ON DELETE CASCADE
);

CREATE UNIQUE INDEX user_bank_accounts_external_account_id_index
    ON payments.user_bank_accounts (external_account_id) WHERE external_account_id IS NOT NULL;
CREATE INDEX user_bank_accounts_user_bank_login_id_index    ON payments.user_bank_accounts (user_bank_login_id);
CREATE INDEX user_bank_accounts_account_type_index          ON payments.user_bank_accounts (account_type);
CREATE INDEX user_bank_accounts_status_index                ON payments.user_bank_accounts (status);
CREATE INDEX user_bank_accounts_user_id_status_index        ON payments.user_bank_accounts (user_id, status);
CREATE INDEX user_bank_accounts_user_id_account_type_index  ON payments.user_bank_accounts (user_id, account_type);
CREATE INDEX user_bank_accounts_user_id_inserted_at_id_index ON payments.user_bank_accounts (user_id, inserted_at, id);

CREATE TABLE payments.user_payments (
    id                      uuid           NOT NULL DEFAULT gen_random_uuid(),
    amount                  numeric(15,2)  NOT NULL,
    direction               varchar(255)   NOT NULL,
    description             varchar(255),
    payment_type            varchar(255)   NOT NULL,
    status                  varchar(255)   NOT NULL DEFAULT 'PENDING',
    posted_at               timestamptz(0),
    external_transaction_id varchar(255),
    failure_reason          varchar(255),
    user_bank_account_id    uuid           NOT NULL,
    user_id                 uuid           NOT NULL,
    inserted_at             timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    updated_at              timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    CONSTRAINT user_payments_pkey PRIMARY KEY (id),
    CONSTRAINT user_payments_amount_check CHECK (amount > 0),
    CONSTRAINT user_payments_direction_check CHECK (direction IN ('CREDIT', 'DEBIT')),
    CONSTRAINT user_payments_payment_type_check
        CHECK (payment_type IN ('DEPOSIT', 'WITHDRAWAL', 'TRANSFER', 'PAYMENT')),
    CONSTRAINT user_payments_status_check
        CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    CONSTRAINT user_payments_user_bank_account_id_fkey FOREIGN KEY (user_bank_account_id)
        REFERENCES payments.user_bank_accounts (id) ON DELETE CASCADE,
    CONSTRAINT user_payments_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users.users (id) ON DELETE CASCADE
);

CREATE INDEX user_payments_user_bank_account_id_index        ON payments.user_payments (user_bank_account_id);
CREATE INDEX user_payments_amount_index                      ON payments.user_payments (amount);
CREATE INDEX user_payments_payment_type_index                ON payments.user_payments (payment_type);
CREATE INDEX user_payments_status_index                      ON payments.user_payments (status);
CREATE INDEX user_payments_direction_index                   ON payments.user_payments (direction);
CREATE INDEX user_payments_posted_at_index                   ON payments.user_payments (posted_at);
CREATE INDEX user_payments_external_transaction_id_index     ON payments.user_payments (external_transaction_id);
CREATE INDEX user_payments_user_id_status_index              ON payments.user_payments (user_id, status);
CREATE INDEX user_payments_user_id_payment_type_index        ON payments.user_payments (user_id, payment_type);
CREATE INDEX user_payments_user_id_direction_index           ON payments.user_payments (user_id, direction);
CREATE INDEX user_payments_user_id_inserted_at_id_index      ON payments.user_payments (user_id, inserted_at, id);
CREATE INDEX user_payments_account_direction_status_posted_at_index
    ON payments.user_payments (user_bank_account_id, direction, status, posted_at);
CREATE INDEX user_payments_user_id_amount_description_direction_status_index
    ON payments.user_payments (user_id, amount, description, direction, status);
CREATE INDEX user_payments_external_transaction_id_status_index
    ON payments.user_payments (external_transaction_id, status);

CREATE TABLE payments.transactions (
    id                      uuid           NOT NULL DEFAULT gen_random_uuid(),
    description             varchar(255)   NOT NULL,
    amount                  numeric(15,2)  NOT NULL,
    direction               varchar(255)   NOT NULL,
    posted_at               timestamptz(0) NOT NULL,
    account_id              uuid           NOT NULL,
    user_id                 uuid           NOT NULL,
    payment_id              uuid,
    external_transaction_id varchar(255),
    inserted_at             timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    updated_at              timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    CONSTRAINT transactions_pkey PRIMARY KEY (id),
    CONSTRAINT transactions_description_check CHECK (char_length(description) >= 1),
    CONSTRAINT transactions_amount_check CHECK (amount > 0),
    CONSTRAINT transactions_direction_check CHECK (direction IN ('CREDIT', 'DEBIT')),
    CONSTRAINT transactions_account_id_fkey FOREIGN KEY (account_id)
        REFERENCES payments.user_bank_accounts (id) ON DELETE CASCADE,
    CONSTRAINT transactions_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users.users (id) ON DELETE CASCADE,
    CONSTRAINT transactions_payment_id_fkey FOREIGN KEY (payment_id)
        REFERENCES payments.user_payments (id) ON DELETE SET NULL
);

-- exactly one posting per payment
CREATE UNIQUE INDEX transactions_payment_id_index
    ON payments.transactions (payment_id) WHERE payment_id IS NOT NULL;
-- a bank transaction is imported at most once per account
CREATE UNIQUE INDEX transactions_account_id_external_transaction_id_index
    ON payments.transactions (account_id, external_transaction_id) WHERE external_transaction_id IS NOT NULL;
CREATE INDEX transactions_account_id_index                 ON payments.transactions (account_id);
CREATE INDEX transactions_posted_at_index                  ON payments.transactions (posted_at);
CREATE INDEX transactions_amount_index                     ON payments.transactions (amount);
CREATE INDEX transactions_direction_index                  ON payments.transactions (direction);
CREATE INDEX transactions_account_id_posted_at_index       ON payments.transactions (account_id, posted_at);
CREATE INDEX transactions_user_id_posted_at_index          ON payments.transactions (user_id, posted_at);
CREATE INDEX transactions_user_id_direction_posted_at_index ON payments.transactions (user_id, direction, posted_at);
CREATE INDEX transactions_user_id_amount_posted_at_index   ON payments.transactions (user_id, amount, posted_at);
CREATE INDEX transactions_user_id_inserted_at_id_index     ON payments.transactions (user_id, inserted_at, id);

-- Idempotency-Key records (SPEC §6.9): scope (user, key), retained 24 h.
CREATE TABLE payments.idempotency_keys (
    user_id               uuid           NOT NULL,
    key                   varchar(255)   NOT NULL,
    fingerprint           char(64)       NOT NULL,
    state                 varchar(255)   NOT NULL DEFAULT 'in_progress',
    response_status       integer,
    response_content_type varchar(255),
    response_body         text,
    created_at            timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    expires_at            timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()) + interval '24 hours',
    CONSTRAINT payments_idempotency_keys_pkey PRIMARY KEY (user_id, key),
    CONSTRAINT idempotency_keys_state_check CHECK (state IN ('in_progress', 'completed')),
    CONSTRAINT idempotency_keys_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users.users (id) ON DELETE CASCADE
);

CREATE INDEX idempotency_keys_expires_at_index ON payments.idempotency_keys (expires_at);
