-- SPEC §6.8 in the database: the only status transitions a payment may take, and the columns that go with them.
--   PENDING    -> PROCESSING (async accept), COMPLETED (sync posting), CANCELLED
--   PROCESSING -> COMPLETED, FAILED
--   FAILED     -> PROCESSING (admin retry of its dead job)
-- COMPLETED and CANCELLED are terminal. Anything else raises check_violation (SQLSTATE 23514).

ALTER TABLE payments.user_payments
    ADD CONSTRAINT user_payments_completed_posted_check CHECK (status <> 'COMPLETED' OR posted_at IS NOT NULL),
    ADD CONSTRAINT user_payments_failure_reason_check CHECK (status = 'FAILED' OR failure_reason IS NULL);

CREATE FUNCTION payments.user_payments_transition() RETURNS trigger AS $$
BEGIN
    IF NEW.status = OLD.status
       OR (OLD.status = 'PENDING'    AND NEW.status IN ('PROCESSING', 'COMPLETED', 'CANCELLED'))
       OR (OLD.status = 'PROCESSING' AND NEW.status IN ('COMPLETED', 'FAILED'))
       OR (OLD.status = 'FAILED'     AND NEW.status = 'PROCESSING') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'payment % cannot go from % to %', OLD.id, OLD.status, NEW.status
        USING ERRCODE = 'check_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER user_payments_transition
    BEFORE UPDATE OF status ON payments.user_payments
    FOR EACH ROW EXECUTE FUNCTION payments.user_payments_transition();
