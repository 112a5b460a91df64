-- Scratch schema for the raw-SQL posting ceiling (bench/posting.sql). bench/run creates a throw-away database,
-- runs this with psql -v naccounts=N -v npayments=M, then pgbench; the database is dropped afterwards.
CREATE TABLE bench_accounts (
    id         integer        PRIMARY KEY,
    balance    numeric(15,2)  NOT NULL,
    updated_at timestamptz(0) NOT NULL DEFAULT now()
);
CREATE TABLE bench_payments (
    id          integer        PRIMARY KEY,
    account_id  integer        NOT NULL,
    amount      numeric(15,2)  NOT NULL,
    status      varchar(255)   NOT NULL DEFAULT 'PENDING',
    posted_at   timestamptz(0),
    updated_at  timestamptz(0) NOT NULL DEFAULT now()
);
CREATE TABLE bench_ledger (
    id          uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id  integer        NOT NULL,
    payment_id  integer,
    amount      numeric(15,2)  NOT NULL,
    direction   varchar(255)   NOT NULL,
    description varchar(255)   NOT NULL,
    posted_at   timestamptz(0) NOT NULL
);
CREATE INDEX bench_ledger_account_id ON bench_ledger (account_id, posted_at);
INSERT INTO bench_accounts (id, balance) SELECT g, 1000000.00 FROM generate_series(1, :naccounts) g;
INSERT INTO bench_payments (id, account_id, amount) SELECT g, 1 + g % :naccounts, 0.01 FROM generate_series(1, :npayments) g;
VACUUM ANALYZE bench_accounts;
VACUUM ANALYZE bench_payments;
