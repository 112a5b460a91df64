-- Issue 8: the sync posting's checks before the rules read the payment row once in the common case instead of twice.
--
-- payments/V3's lock_pending_payment read the row as the request found it (the checks: exists, may process, PENDING),
-- then read it again with the lock. When no other transaction holds the row (the common case: one request per
-- payment), locking it first (FOR NO KEY UPDATE SKIP LOCKED) reads the same row — nobody can be changing it — and
-- the checks run on it as it is locked, so one index probe and one executor start-up less per posting. When the row
-- is absent or held by someone else (a concurrent request or a worker posting it), SKIP LOCKED answers nothing and the
-- checks run exactly as before (read, check, then wait for the lock and re-check PENDING), so the answers of every
-- race are unchanged: payment_not_found, insufficient_permissions (admin always, the owner only while PENDING),
-- already_processed with the status found. Same signature, same answers; process_payment and accept_payment call it.

CREATE OR REPLACE FUNCTION payments.lock_pending_payment(p_payment_id uuid, p_caller_id uuid, p_caller_is_admin boolean)
RETURNS payments.posting_result AS $$
DECLARE
    r      payments.posting_result;
    v_seen payments.user_payments;
BEGIN
    SELECT * INTO v_seen FROM payments.user_payments u WHERE u.id = p_payment_id FOR NO KEY UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        -- absent, or held by another transaction: payments/V3's order (read, check, lock, re-check)
        SELECT * INTO v_seen FROM payments.user_payments u WHERE u.id = p_payment_id;
        IF NOT FOUND THEN
            r.reason := 'payment_not_found';
            RETURN r;
        END IF;
        IF NOT (p_caller_is_admin OR (v_seen.user_id = p_caller_id AND v_seen.status = 'PENDING')) THEN
            r.reason := 'insufficient_permissions';
            RETURN r;
        END IF;
        IF v_seen.status = 'PENDING' THEN
            SELECT * INTO v_seen FROM payments.user_payments u WHERE u.id = p_payment_id FOR NO KEY UPDATE;
            IF NOT FOUND THEN
                r.reason := 'payment_not_found';
                RETURN r;
            END IF;
        END IF;
    ELSIF NOT (p_caller_is_admin OR (v_seen.user_id = p_caller_id AND v_seen.status = 'PENDING')) THEN
        r.reason := 'insufficient_permissions';
        RETURN r;
    END IF;
    IF v_seen.status <> 'PENDING' THEN
        r.reason := 'already_processed';
        r.payment_status := v_seen.status;
    END IF;
    r.payment := v_seen;
    RETURN r;
END
$$ LANGUAGE plpgsql;
