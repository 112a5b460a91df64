-- Issue 8, the worker claim path: jobs.claim (jobs/V4) keeps one plan per connection.
--
-- PL/pgSQL hands its query to PostgreSQL's plan cache, which plans it again with the call's values (a custom plan)
-- while that looks cheaper than the generic plan: with LIMIT p_limit and p_workers known, it always did (auto_explain
-- of the eighth call in one session still showed the literal values), so every claim round planned the CTE and the
-- UPDATE afresh. The generic plan is the plan the function was written for whatever the statistics say (jobs/V4:
-- with enable_sort off, the ordered scan of jobs_claim_index under the LIMIT, then the primary key), so it is forced.
-- Same statement, same rows, same locks.
ALTER FUNCTION jobs.claim(text, text[], integer, text, integer) SET plan_cache_mode = force_generic_plan;
