/**
 * Durable jobs (SPEC.md §7, DESIGN.md "Durable jobs"): the {@code jobs.jobs} table is the truth, the clustered event
 * bus only wakes workers, any node may run any queue.
 *
 * <h2>Defining a worker in your context</h2>
 * <ol>
 *   <li>Implement {@link com.ledger.platform.jobs.JobWorker}: a {@code name()} (stored in {@code jobs.worker}, e.g.
 *       {@code "BankSyncWorker"}) and {@code Future<JsonObject> perform(Job job, SqlConnection tx)} returning the
 *       job's result. Fail with a {@code LedgerException}: its catalog category decides the retry
 *       ({@link com.ledger.platform.jobs.RetryPolicy}): business rules and other 4xx categories go straight to
 *       {@code dead}; {@code external_dependency}/{@code system} are retried with exponential backoff and jitter.
 *       Override {@code transactional()} to return true when the effect is database work that must commit
 *       atomically with the job's completion (exactly-once); leave it false when the job calls remote services
 *       (then make it idempotent). Override {@code onDead} to mark your domain object failed in the same
 *       transaction that dead-letters the job.
 *       <br>For many small database jobs implement {@link com.ledger.platform.jobs.BatchJobWorker} instead: the runner
 *       claims up to {@code jobs.batch_size} of its jobs in one round trip and hands them over together; the worker
 *       fences, applies and completes them in one transaction (the SQL functions {@code jobs.lock_owned} and
 *       {@code jobs.complete_all}, migration jobs/V2), e.g. one statement per batch. Such a worker may also pick
 *       its jobs inside that transaction ({@code claimsInItsRun}/{@code claimAndRun}, with {@code jobs.pick},
 *       {@code jobs.complete_picked} and {@code jobs.lease_picked}, migration jobs/V9): no claim of its own and no
 *       lease, the row lock stands in for it (PaymentWorker). Such runs take the queue's slots one at a time while
 *       they come back short of a full batch (what arrives meanwhile waits for the next run, which then picks it all)
 *       and side by side after a full one.</li>
 *   <li>Deploy a runner for your queue on the nodes of your worker role, through the node's
 *       {@link com.ledger.platform.jobs.JobRunners} (in {@code Verticles.java}; it also deploys the node's
 *       {@link com.ledger.platform.jobs.JobsMaintenanceVerticle} once):
 *       <pre>{@code
 * if (cfg.hasRole("banksync-worker")) specs.add(new Spec("banksync-worker", runners.runner(BankSyncApi.SYNC_QUEUE,
 *     (vertx, pool) -> List.of(bank.syncWorker(vertx, pool))), 1));
 *       }</pre>
 *       ({@code bank} is the node's {@code BankRuntime}.) The concurrency comes from {@code jobs.queues}
 *       ({@code banking:3} → up to 3 jobs at once on that node).
 *       A runner only claims jobs whose worker it knows, so several contexts may share a queue.</li>
 *   <li>Enqueue inside the transaction that writes the state the job belongs to, then wake the queue:
 *       <pre>{@code
 * pool.withTransaction(tx -> saveSomething(tx).compose(x -> Jobs.enqueue(tx,
 *         JobSpec.of("BankSyncWorker", "banking", new JsonObject().put("login_id", id))
 *             .withUnique(id.toString(), 300).withTimeoutSeconds(600).withOwner(userId))))
 *     .onSuccess(e -> Jobs.wake(vertx, "banking"));   // e.duplicate(): an existing job of the window was returned
 *       }</pre></li>
 *   <li>Optionally give the admin retry route a {@link com.ledger.platform.jobs.RetryGuard} for your worker (the
 *       {@link com.ledger.platform.jobs.JobsApiVerticle} is deployed with the {@code payments} role and takes a map
 *       of guards by worker name).</li>
 * </ol>
 *
 * <h2>Guarantees</h2>
 * Claims use {@code FOR UPDATE SKIP LOCKED} and a lease ({@code jobs.lease_seconds}) that a heartbeat extends. An
 * idle runner's poll backs off to {@code jobs.idle_poll_max_ms}; the wake-up publish still starts a claim at once.
 * Every transition out of {@code executing} is fenced by (job id, runner id, attempt): a runner that lost its lease
 * (it hung, its node died) cannot complete or fail the job any more, and a transactional worker's effects roll back
 * with its completion. Expired leases are rescued by any runner of the queue and count as a {@code timeout}
 * failure (retried), through the same failure path as a failed attempt ({@code JobFailures}). Every failure
 * appends {@code {attempt, at, reason, category, message}} to {@code errors}.
 */
package com.ledger.platform.jobs;
