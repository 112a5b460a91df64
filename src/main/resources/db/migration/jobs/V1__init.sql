-- Slice "jobs" (SPEC §7, §11): the durable job store (replaces oban_jobs). The table is the truth;
-- workers claim rows with FOR UPDATE SKIP LOCKED and hold a lease (locked_by, lease_until).
-- Migrated last; user_id points back to users.users and survives a user delete as NULL.

CREATE TABLE jobs.jobs (
    id              uuid           NOT NULL DEFAULT gen_random_uuid(),
    worker          varchar(255)   NOT NULL,
    queue           varchar(255)   NOT NULL,
    state           varchar(255)   NOT NULL DEFAULT 'available',
    args            jsonb          NOT NULL,
    unique_key      varchar(255),
    priority        smallint       NOT NULL DEFAULT 0,
    attempt         integer        NOT NULL DEFAULT 0,
    max_attempts    integer        NOT NULL DEFAULT 5,
    errors          jsonb          NOT NULL DEFAULT '[]'::jsonb,
    result          jsonb,
    user_id         uuid,
    locked_by       varchar(255),
    lease_until     timestamptz(3),
    timeout_seconds integer        NOT NULL DEFAULT 300,
    inserted_at     timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    scheduled_at    timestamptz(0) NOT NULL DEFAULT date_trunc('second', now()),
    attempted_at    timestamptz(0),
    completed_at    timestamptz(0),
    dead_at         timestamptz(0),
    cancelled_at    timestamptz(0),
    CONSTRAINT jobs_pkey PRIMARY KEY (id),
    CONSTRAINT jobs_state_check CHECK (state IN ('available', 'scheduled', 'executing', 'retryable',
                                                 'completed', 'dead', 'cancelled')),
    CONSTRAINT jobs_priority_check CHECK (priority BETWEEN 0 AND 9),
    CONSTRAINT jobs_attempt_check CHECK (attempt >= 0),
    CONSTRAINT jobs_max_attempts_check CHECK (max_attempts >= 1),
    CONSTRAINT jobs_timeout_seconds_check CHECK (timeout_seconds >= 1),
    CONSTRAINT jobs_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users.users (id) ON DELETE SET NULL
);

CREATE INDEX jobs_queue_state_priority_scheduled_at_index ON jobs.jobs (queue, state, priority, scheduled_at);
CREATE INDEX jobs_state_inserted_at_index                 ON jobs.jobs (state, inserted_at);
CREATE INDEX jobs_worker_unique_key_inserted_at_index     ON jobs.jobs (worker, unique_key, inserted_at);
CREATE INDEX jobs_args_payment_id_index                   ON jobs.jobs ((args ->> 'payment_id'));
CREATE INDEX jobs_args_login_id_index                     ON jobs.jobs ((args ->> 'login_id'));
CREATE INDEX jobs_user_id_index                           ON jobs.jobs (user_id);
-- claiming: next runnable jobs of a queue by priority, then due time
CREATE INDEX jobs_claim_index ON jobs.jobs (queue, priority, scheduled_at, id)
    WHERE state IN ('available', 'scheduled', 'retryable');
-- rescuing jobs whose lease ran out (crashed or hung worker)
CREATE INDEX jobs_lease_until_index ON jobs.jobs (lease_until) WHERE state = 'executing';
