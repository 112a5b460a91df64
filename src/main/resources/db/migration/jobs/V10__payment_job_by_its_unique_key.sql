-- Issue 8, the async posting path: a payment's latest job (GET /payments/{id}/status) is found through the index
-- the uniqueness window already reads, (worker, unique_key, inserted_at), and jobs_args_payment_id_index goes.
--
-- Why: every payment job carries its payment's id twice, in args ->> 'payment_id' and as its unique key (the async
-- accept, payments.accept_payments, and payments/V3's jobs.enqueue give both the same value), and each was indexed.
-- No job version is a HOT update (the state is indexed), so each one wrote an entry into both: the insert at the
-- accept and the completion by the worker, two index entries per async payment that no query needed (and, for the
-- other workers' jobs, a NULL entry per version). JobStore.LATEST_BY_KEY asks for worker = 'PaymentWorker' and
-- unique_key = the payment's id instead, newest first: one range of (worker, unique_key, inserted_at).
--
-- A payment job whose unique key is not its payment's id cannot be made by this service; should one exist (written
-- by hand), it gets that key here, so that its payment still finds it.
UPDATE jobs.jobs SET unique_key = args ->> 'payment_id'
 WHERE worker = 'PaymentWorker' AND args ? 'payment_id' AND unique_key IS DISTINCT FROM args ->> 'payment_id';

DROP INDEX jobs.jobs_args_payment_id_index;
