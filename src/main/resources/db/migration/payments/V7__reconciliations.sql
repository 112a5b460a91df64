-- Issue 12: bank reconciliation runs. An admin asks for one per bank login (POST /api/admin/reconciliations); a job
-- on the banking queue fetches the bank's accounts and transactions and the payments context compares them with
-- what was imported from that login (bank-sourced records only: local payments are not expected at the bank).
-- No foreign key: a run survives the deletion of its login (it is history).
CREATE TABLE payments.reconciliations (
    id                uuid           NOT NULL DEFAULT gen_random_uuid(),
    bank_login_id     uuid           NOT NULL,
    status            varchar(16)    NOT NULL DEFAULT 'PENDING',
    job_id            uuid,
    matched           integer,
    missing_in_ledger jsonb,
    missing_at_bank   jsonb,
    amount_mismatches jsonb,
    failure_reason    varchar(255),
    inserted_at       timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    completed_at      timestamptz(0),
    CONSTRAINT reconciliations_pkey PRIMARY KEY (id),
    CONSTRAINT reconciliations_status_check CHECK (status IN ('PENDING', 'COMPLETED', 'FAILED'))
);
