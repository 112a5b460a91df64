-- One round of the per-transaction mode: 2,000 fresh PENDING payments (:'pfx' = 'spread' or 'hot'), then each posted
-- by process_payment in a transaction of its own (COMMIT after each, as the service's autocommit statement does), the
-- backend's on-CPU time read around the postings. Prints µs per posting, or 'failed:'.
CALL bench_commit_round(:'pfx', :'tag', 2000, NULL);
