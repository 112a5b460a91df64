package com.ledger.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.db.Pools;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The jobs platform on its own: test workers on private queues, against the real database. */
class JobsPlatformTest {
  static TestApp app;
  static Vertx vertx;
  static Pool pool;
  static final JobStore STORE = new JobStore();

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("roles", List.of("http", "users")));
    vertx = app.app.vertx();
    pool = Pools.shared(vertx, app.app.config().db());
    exec("CREATE TABLE IF NOT EXISTS public.job_effects (job_id uuid NOT NULL, note text)");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  // ------------------------------------------------------------------ helpers

  static String queue() {
    return "q" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  static JobsConfig cfg(int lease, int heartbeat, int graceMs) {
    return new JobsConfig(Map.of(), 100, lease, heartbeat, 7, graceMs);
  }

  static String deploy(String queue, int concurrency, JobsConfig c, JobWorker... workers) {
    return vertx.deployVerticle(() -> new JobRunnerVerticle(c, app.app.config().db(), "test", null, queue, concurrency,
        (v, p) -> List.of(workers)), new DeploymentOptions()).await();
  }

  static Enqueued enqueue(JobSpec spec) {
    return pool.withTransaction(tx -> Jobs.enqueue(tx, spec)).await();
  }

  static Job job(UUID id) {
    return STORE.get(pool, id).await().orElseThrow();
  }

  static void exec(String sql) {
    try (Connection c = TestDatabase.jdbc(app.dbUrl); var st = c.createStatement()) {
      st.execute(sql);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static long count(String sql) {
    try (Connection c = TestDatabase.jdbc(app.dbUrl); var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A worker whose behaviour is a function of the job. */
  record TestWorker(String name, boolean transactional, java.util.function.BiFunction<Job, SqlConnection, Future<JsonObject>> body,
      List<UUID> dead) implements JobWorker {
    TestWorker(String name, boolean tx, java.util.function.BiFunction<Job, SqlConnection, Future<JsonObject>> body) {
      this(name, tx, body, new CopyOnWriteArrayList<>());
    }

    @Override
    public Future<JsonObject> perform(Job job, SqlConnection tx) {
      return body.apply(job, tx);
    }

    @Override
    public Future<Void> onDead(Job job, JobError last, SqlConnection tx) {
      dead.add(job.id());
      return tx.preparedQuery("INSERT INTO public.job_effects (job_id, note) VALUES ($1, $2)")
          .execute(Tuple.of(job.id(), "dead:" + last.reason())).mapEmpty();
    }
  }

  // ------------------------------------------------------------------ enqueue

  @Test
  void enqueue_commits_and_rolls_back_with_the_callers_transaction() {
    String q = queue();
    UUID kept = pool.withTransaction(tx -> Jobs.enqueue(tx, JobSpec.of("W", q, new JsonObject().put("n", 1))))
        .await().job().id();
    Future<Object> failed = pool.withTransaction(tx -> Jobs.enqueue(tx, JobSpec.of("W", q, new JsonObject()))
        .compose(e -> Future.failedFuture(new IllegalStateException("caller failed"))));
    try {
      failed.await();
    } catch (RuntimeException expected) {
      // rolled back
    }
    assertThat(count("SELECT count(*) FROM jobs.jobs WHERE queue = '" + q + "'")).isEqualTo(1);
    Job j = job(kept);
    assertThat(j.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(j.args()).isEqualTo(new JsonObject().put("n", 1));
    assertThat(j.attempt()).isZero();
    assertThat(j.maxAttempts()).isEqualTo(5);
  }

  @Test
  void uniqueness_window_returns_the_existing_job_even_under_concurrency() {
    String q = queue();
    String key = UUID.randomUUID().toString();
    JobSpec spec = JobSpec.of("UniqueWorker", q, new JsonObject().put("k", key)).withUnique(key, 60);
    List<Future<Enqueued>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) all.add(pool.withTransaction(tx -> Jobs.enqueue(tx, spec)));
    Future.all(all).await();
    Set<UUID> ids = ConcurrentHashMap.newKeySet();
    int duplicates = 0;
    for (Future<Enqueued> f : all) {
      ids.add(f.result().job().id());
      if (f.result().duplicate()) duplicates++;
    }
    assertThat(ids).hasSize(1);
    assertThat(duplicates).isEqualTo(19);
    // another key, or another worker with the same key, is a new job
    assertThat(enqueue(JobSpec.of("UniqueWorker", q, new JsonObject()).withUnique(key + "x", 60)).duplicate()).isFalse();
    assertThat(enqueue(JobSpec.of("OtherWorker", q, new JsonObject()).withUnique(key, 60)).duplicate()).isFalse();
    // completed jobs still count; dead and cancelled ones do not
    UUID first = ids.iterator().next();
    exec("UPDATE jobs.jobs SET state = 'completed' WHERE id = '" + first + "'");
    assertThat(enqueue(spec).job().id()).isEqualTo(first);
    exec("UPDATE jobs.jobs SET state = 'dead' WHERE id = '" + first + "'");
    Enqueued fresh = enqueue(spec);
    assertThat(fresh.duplicate()).isFalse();
    assertThat(fresh.job().id()).isNotEqualTo(first);
    // outside the window: a new job
    exec("UPDATE jobs.jobs SET inserted_at = now() - interval '62 seconds' WHERE id = '" + fresh.job().id() + "'");
    assertThat(enqueue(spec).duplicate()).isFalse();
  }

  @Test
  void scheduled_jobs_wait_for_their_time_and_priority_orders_the_claims() {
    String q = queue();
    List<String> order = new CopyOnWriteArrayList<>();
    TestWorker w = new TestWorker("OrderWorker", false, (job, tx) -> {
      order.add(job.arg("name"));
      return Future.succeededFuture(new JsonObject().put("ok", true));
    });
    Instant later = Instant.now().plusSeconds(2);
    UUID delayed = enqueue(JobSpec.of("OrderWorker", q, new JsonObject().put("name", "delayed")).withScheduledAt(later))
        .job().id();
    assertThat(job(delayed).state()).isEqualTo(JobState.SCHEDULED);
    enqueue(JobSpec.of("OrderWorker", q, new JsonObject().put("name", "p5")).withPriority(5));
    enqueue(JobSpec.of("OrderWorker", q, new JsonObject().put("name", "p9")).withPriority(9));
    enqueue(JobSpec.of("OrderWorker", q, new JsonObject().put("name", "p0")).withPriority(0));
    String id = deploy(q, 1, cfg(5, 1, 1000), w);
    try {
      Poll.until("3 immediate jobs", Duration.ofSeconds(10), () -> order.size() >= 3);
      assertThat(order.subList(0, 3)).containsExactly("p0", "p5", "p9");
      assertThat(order).doesNotContain("delayed");
      Poll.until("the delayed job", Duration.ofSeconds(10), () -> order.size() == 4);
      assertThat(Instant.now()).isAfterOrEqualTo(later);
      Poll.until("the delayed job's completion", Duration.ofSeconds(5),
          () -> job(delayed).state().equals(JobState.COMPLETED));
      Job d = job(delayed);
      assertThat(d.result()).isEqualTo(new JsonObject().put("ok", true));
      assertThat(d.completedAt()).isNotNull();
    } finally {
      vertx.undeploy(id).await();
    }
  }

  @Test
  void wake_up_publish_starts_a_job_before_the_next_poll() {
    String q = queue();
    AtomicInteger runs = new AtomicInteger();
    TestWorker w = new TestWorker("WakeWorker", false, (job, tx) -> {
      runs.incrementAndGet();
      return Future.succeededFuture(new JsonObject());
    });
    JobsConfig slowPoll = new JobsConfig(Map.of(), 600_000, 5, 1, 7, 1000);
    String id = vertx.deployVerticle(() -> new JobRunnerVerticle(slowPoll, app.app.config().db(), "test", null, q, 1,
        (v, p) -> List.of(w)), new DeploymentOptions()).await();
    try {
      UUID j = enqueue(JobSpec.of("WakeWorker", q, new JsonObject())).job().id();
      Jobs.wake(vertx, q);
      Poll.until("woken job", Duration.ofSeconds(5), () -> runs.get() == 1);
      Poll.until("completed", Duration.ofSeconds(5), () -> job(j).state().equals(JobState.COMPLETED));
    } finally {
      vertx.undeploy(id).await();
    }
  }

  // ------------------------------------------------------------------ batches

  /**
   * A batch worker as the contract asks: one transaction fences the jobs, writes the effects of the "ok" ones and
   * completes them; "rule" jobs fail with a business rule (nothing written); a "poison" job makes the whole batch
   * fail (rolled back).
   */
  record TestBatchWorker(String name, List<Integer> batches, List<UUID> dead) implements BatchJobWorker {
    TestBatchWorker(String name) {
      this(name, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
    }

    @Override
    public Future<Map<UUID, JobOutcome>> performBatch(List<Job> jobs, String runnerId, io.vertx.sqlclient.SqlClient db) {
      batches.add(jobs.size());
      UUID[] ids = jobs.stream().map(Job::id).toArray(UUID[]::new);
      Integer[] attempts = jobs.stream().map(Job::attempt).toArray(Integer[]::new);
      return ((Pool) db).withTransaction(tx -> tx.preparedQuery(
          "SELECT id, attempt, args->>'kind' AS kind FROM jobs.lock_owned($1, $2, $3)")
          .execute(Tuple.of(ids, attempts, runnerId)).compose(owned -> {
            Map<UUID, JobOutcome> out = new java.util.LinkedHashMap<>();
            List<UUID> ok = new ArrayList<>();
            List<Integer> okAttempts = new ArrayList<>();
            for (var r : owned) {
              String kind = r.getString("kind");
              if ("poison".equals(kind)) return Future.failedFuture(new IllegalStateException("poison in the batch"));
              if ("rule".equals(kind)) {
                out.put(r.getUUID("id"), new JobOutcome.Failed(new LedgerException(ErrorCode.INSUFFICIENT_FUNDS, "no funds")));
              } else {
                ok.add(r.getUUID("id"));
                okAttempts.add(r.getInteger("attempt"));
                out.put(r.getUUID("id"), new JobOutcome.Completed(new JsonObject().put("ok", true)));
              }
            }
            JsonObject[] results = ok.stream().map(id -> new JsonObject().put("ok", true)).toArray(JsonObject[]::new);
            return tx.preparedQuery("INSERT INTO public.job_effects (job_id, note) SELECT unnest($1::uuid[]), 'done'")
                .execute(Tuple.of(ok.toArray(UUID[]::new)))
                .compose(x -> tx.preparedQuery("SELECT jobs.complete_all($1, $2, $3)")
                    .execute(Tuple.of(ok.toArray(UUID[]::new), okAttempts.toArray(Integer[]::new), results)))
                .map(out);
          }));
    }

    @Override
    public Future<Void> onDead(Job job, JobError last, SqlConnection tx) {
      dead.add(job.id());
      return tx.preparedQuery("INSERT INTO public.job_effects (job_id, note) VALUES ($1, $2)")
          .execute(Tuple.of(job.id(), "dead:" + last.reason())).mapEmpty();
    }
  }

  static JobsConfig batchCfg(int batchSize) {
    return new JobsConfig(Map.of(), 100, 5, 1, 7, 1000, 5000, batchSize);
  }

  @Test
  void a_batch_worker_gets_its_jobs_in_batches_and_each_commits_once() {
    String q = queue();
    TestBatchWorker w = new TestBatchWorker("BatchWorker");
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) ids.add(enqueue(JobSpec.of("BatchWorker", q, new JsonObject().put("kind", "ok"))).job().id());
    String id = deploy(q, 2, batchCfg(10), w);
    try {
      Poll.until("all completed", Duration.ofSeconds(15), () -> count("SELECT count(*) FROM jobs.jobs WHERE queue = '" + q
          + "' AND state = 'completed'") == 30);
      assertThat(w.batches()).allMatch(n -> n >= 1 && n <= 10);
      assertThat(w.batches().stream().mapToInt(Integer::intValue).sum()).isEqualTo(30);
      assertThat(w.batches()).anyMatch(n -> n > 1);
      for (UUID j : ids) {
        assertThat(job(j).attempt()).isEqualTo(1);
        assertThat(job(j).result()).isEqualTo(new JsonObject().put("ok", true));
        assertThat(count("SELECT count(*) FROM public.job_effects WHERE job_id = '" + j + "' AND note = 'done'")).isEqualTo(1);
      }
    } finally {
      vertx.undeploy(id).await();
    }
  }

  /**
   * A batch worker that picks, runs and completes its jobs in one transaction (as the payment worker does), each run
   * held open until the test releases it: the runs' sizes, how many were in flight at most, and each run's gate.
   */
  record InRunWorker(String name, List<Integer> runs, AtomicInteger inFlight, AtomicInteger maxInFlight,
      List<Promise<Void>> gates) implements BatchJobWorker {
    InRunWorker(String name) {
      this(name, new CopyOnWriteArrayList<>(), new AtomicInteger(), new AtomicInteger(), new CopyOnWriteArrayList<>());
    }

    @Override
    public boolean claimsInItsRun() {
      return true;
    }

    @Override
    public Future<PickedRun> claimAndRun(String queue, int limit, String runnerId, int leaseSeconds,
        io.vertx.sqlclient.SqlClient db) {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      Promise<Void> gate = Promise.promise();
      return ((Pool) db).withTransaction(tx -> tx.preparedQuery("SELECT id FROM jobs.pick($1, ARRAY[$2], $3)")
          .execute(Tuple.of(queue, name, limit)).compose(rows -> {
            List<UUID> ids = new ArrayList<>();
            rows.forEach(r -> ids.add(r.getUUID("id")));
            runs.add(ids.size());
            gates.add(gate);
            JsonObject[] results = ids.stream().map(i -> new JsonObject().put("ok", true)).toArray(JsonObject[]::new);
            return gate.future().compose(v -> tx.preparedQuery("SELECT jobs.complete_picked($1, $2)")
                .execute(Tuple.tuple().addArrayOfUUID(ids.toArray(UUID[]::new)).addArrayOfJsonObject(results)))
                .map(x -> new PickedRun(ids.size(), 0, Map.of()));
          })).onComplete(x -> inFlight.decrementAndGet());
    }

    @Override
    public Future<Map<UUID, JobOutcome>> performBatch(List<Job> jobs, String runnerId, io.vertx.sqlclient.SqlClient db) {
      return Future.failedFuture(new IllegalStateException("this test's worker only runs what it picks"));
    }
  }

  static long completed(String q, String worker) {
    return count("SELECT count(*) FROM jobs.jobs WHERE queue = '" + q + "' AND worker = '" + worker
        + "' AND state = 'completed'");
  }

  @Test
  void a_run_that_was_not_full_is_not_joined_by_a_second_one_what_came_meanwhile_is_picked_when_it_ends() {
    String q = queue();
    InRunWorker w = new InRunWorker("InRunWorker");
    AtomicInteger plainRuns = new AtomicInteger();
    TestWorker plain = new TestWorker("PlainWorker", false, (job, tx) -> {
      plainRuns.incrementAndGet();
      return Future.succeededFuture(new JsonObject());
    });
    enqueue(JobSpec.of("InRunWorker", q, new JsonObject()));
    String id = deploy(q, 2, batchCfg(10), w, plain);
    try {
      Poll.until("the first run picked its job", Duration.ofSeconds(10), () -> w.runs().size() == 1);
      for (int i = 0; i < 4; i++) enqueue(JobSpec.of("InRunWorker", q, new JsonObject()));
      Jobs.wake(vertx, q);
      // A wake-up is handled in order on the runner's context: once the plain job (enqueued and woken for after the
      // four) has run in the free slot, the wake-up for the four was handled, and it started no run beside the first.
      enqueue(JobSpec.of("PlainWorker", q, new JsonObject()));
      Jobs.wake(vertx, q);
      Poll.until("the plain job ran in the free slot", Duration.ofSeconds(10), () -> plainRuns.get() == 1);
      assertThat(w.runs()).containsExactly(1);
      w.gates().get(0).complete();
      // the run in flight claims again when it ends: the four come in one run, not after a poll's backoff
      Poll.until("the four picked", Duration.ofSeconds(10), () -> w.runs().size() == 2);
      w.gates().get(1).complete();
      Poll.until("all five completed", Duration.ofSeconds(10), () -> completed(q, "InRunWorker") == 5);
      // (a run that picked something claims again when it ends: an empty run may follow)
      assertThat(w.runs().stream().filter(n -> n > 0)).containsExactly(1, 4);
      assertThat(w.maxInFlight().get()).isEqualTo(1);
    } finally {
      w.gates().forEach(g -> g.tryComplete());
      vertx.undeploy(id).await();
    }
  }

  @Test
  void after_a_full_run_the_next_runs_fill_every_slot() {
    String q = queue();
    InRunWorker w = new InRunWorker("FullRunWorker");
    for (int i = 0; i < 5; i++) enqueue(JobSpec.of("FullRunWorker", q, new JsonObject()));
    String id = deploy(q, 2, batchCfg(2), w);
    try {
      Poll.until("the first run picked", Duration.ofSeconds(10), () -> w.runs().size() == 1);
      w.gates().get(0).complete();
      // it was full (2 of 2): more may be waiting, so the two slots each start a run at once
      Poll.until("two runs in flight", Duration.ofSeconds(10), () -> w.runs().size() == 3);
      assertThat(w.maxInFlight().get()).isEqualTo(2);
      w.gates().forEach(g -> g.tryComplete());
      Poll.until("all five completed", Duration.ofSeconds(10), () -> completed(q, "FullRunWorker") == 5);
      // the two runs side by side picked with SKIP LOCKED: which of them got the last job is theirs to race for
      List<Integer> picked = w.runs().stream().filter(n -> n > 0).toList();
      assertThat(picked).hasSize(3).startsWith(2);
      assertThat(picked.subList(1, 3)).containsExactlyInAnyOrder(2, 1);
    } finally {
      w.gates().forEach(g -> g.tryComplete());
      vertx.undeploy(id).await();
    }
  }

  @Test
  void a_failed_batch_is_retried_job_by_job_so_only_the_bad_job_fails() {
    String q = queue();
    TestBatchWorker w = new TestBatchWorker("MixedBatchWorker");
    List<UUID> ok = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ok.add(enqueue(JobSpec.of("MixedBatchWorker", q, new JsonObject().put("kind", "ok"))).job().id());
    }
    UUID rule = enqueue(JobSpec.of("MixedBatchWorker", q, new JsonObject().put("kind", "rule"))).job().id();
    UUID poison = enqueue(JobSpec.of("MixedBatchWorker", q, new JsonObject().put("kind", "poison")).withMaxAttempts(1))
        .job().id();
    String id = deploy(q, 1, batchCfg(20), w);
    try {
      Poll.until("all settled", Duration.ofSeconds(15), () -> count("SELECT count(*) FROM jobs.jobs WHERE queue = '" + q
          + "' AND state IN ('completed', 'dead')") == 8);
      // one batch of all eight failed as a whole (nothing committed), then each job ran alone
      assertThat(w.batches()).containsExactly(8, 1, 1, 1, 1, 1, 1, 1, 1);
      for (UUID j : ok) {
        assertThat(job(j).state()).isEqualTo(JobState.COMPLETED);
        assertThat(job(j).attempt()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM public.job_effects WHERE job_id = '" + j + "'")).isEqualTo(1);
      }
      Job r = job(rule);
      assertThat(r.state()).isEqualTo(JobState.DEAD);
      assertThat(r.errors()).hasSize(1);
      assertThat(r.errors().getJsonObject(0).getString("reason")).isEqualTo("insufficient_funds");
      assertThat(r.errors().getJsonObject(0).getString("message")).isEqualTo("no funds");
      Job p = job(poison);
      assertThat(p.state()).isEqualTo(JobState.DEAD);
      assertThat(p.errors().getJsonObject(0).getString("reason")).isEqualTo("internal_server_error");
      assertThat(w.dead()).containsExactlyInAnyOrder(rule, poison);
      assertThat(count("SELECT count(*) FROM public.job_effects WHERE job_id = '" + rule + "' AND note <> "
          + "'dead:insufficient_funds'")).isZero();
    } finally {
      vertx.undeploy(id).await();
    }
  }

  // ------------------------------------------------------------------ failures

  @Test
  void business_rule_failure_is_dead_at_once_with_its_reason_and_not_retried() {
    String q = queue();
    AtomicInteger runs = new AtomicInteger();
    TestWorker w = new TestWorker("RuleWorker", true, (job, tx) -> {
      runs.incrementAndGet();
      return tx.preparedQuery("INSERT INTO public.job_effects (job_id, note) VALUES ($1, 'effect')")
          .execute(Tuple.of(job.id()))
          .compose(r -> LedgerException.fail(ErrorCode.INSUFFICIENT_FUNDS, "Balance 1.00 is below 5.00"));
    });
    UUID j = enqueue(JobSpec.of("RuleWorker", q, new JsonObject())).job().id();
    String id = deploy(q, 1, cfg(5, 1, 1000), w);
    try {
      Poll.until("dead", Duration.ofSeconds(10), () -> job(j).state().equals(JobState.DEAD));
      Job d = job(j);
      assertThat(d.attempt()).isEqualTo(1);
      assertThat(d.deadAt()).isNotNull();
      assertThat(d.errors()).hasSize(1);
      JsonObject e = d.errors().getJsonObject(0);
      assertThat(e.getInteger("attempt")).isEqualTo(1);
      assertThat(e.getString("reason")).isEqualTo("insufficient_funds");
      assertThat(e.getString("category")).isEqualTo("business_rule");
      assertThat(e.getString("message")).isEqualTo("Balance 1.00 is below 5.00");
      assertThat(e.getString("at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
      // the failed attempt's effect rolled back; onDead's write committed with the dead-lettering
      assertThat(count("SELECT count(*) FROM public.job_effects WHERE job_id = '" + j + "' AND note = 'effect'")).isZero();
      assertThat(count("SELECT count(*) FROM public.job_effects WHERE job_id = '" + j + "' AND note = 'dead:insufficient_funds'"))
          .isEqualTo(1);
      Poll.holdsFor("the dead-lettered job is not run again", Duration.ofMillis(600), () -> runs.get() == 1);
    } finally {
      vertx.undeploy(id).await();
    }
  }

  @Test
  void system_failure_is_retried_with_backoff_then_dead_lettered() {
    String q = queue();
    List<Instant> runs = new CopyOnWriteArrayList<>();
    TestWorker w = new TestWorker("FlakyWorker", false, (job, tx) -> {
      runs.add(Instant.now());
      return LedgerException.fail(ErrorCode.DATABASE_ERROR, "Database error");
    });
    UUID j = enqueue(JobSpec.of("FlakyWorker", q, new JsonObject())).job().id();
    String id = deploy(q, 1, cfg(5, 1, 1000), w);
    try {
      Poll.until("dead", Duration.ofSeconds(15), () -> job(j).state().equals(JobState.DEAD));
      Job d = job(j);
      // system: 1 + 2 retries
      assertThat(runs).hasSize(3);
      assertThat(d.attempt()).isEqualTo(3);
      assertThat(d.errors()).hasSize(3);
      for (int i = 0; i < 3; i++) {
        assertThat(d.errors().getJsonObject(i).getInteger("attempt")).isEqualTo(i + 1);
        assertThat(d.errors().getJsonObject(i).getString("category")).isEqualTo("system");
      }
      // backoff: 500 ms then 1000 ms (+ jitter, rounded up to whole seconds in the table)
      assertThat(Duration.between(runs.get(0), runs.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(500));
      assertThat(Duration.between(runs.get(1), runs.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
      assertThat(w.dead()).containsExactly(j);
    } finally {
      vertx.undeploy(id).await();
    }
  }

  @Test
  void an_unexpected_exception_counts_as_internal_server_error() {
    String q = queue();
    TestWorker w = new TestWorker("BuggyWorker", false, (job, tx) -> {
      throw new IllegalStateException("secret internal detail");
    });
    UUID j = enqueue(JobSpec.of("BuggyWorker", q, new JsonObject()).withMaxAttempts(1)).job().id();
    String id = deploy(q, 1, cfg(5, 1, 1000), w);
    try {
      Poll.until("dead", Duration.ofSeconds(10), () -> job(j).state().equals(JobState.DEAD));
      JsonObject e = job(j).errors().getJsonObject(0);
      assertThat(e.getString("reason")).isEqualTo("internal_server_error");
      assertThat(e.getString("message")).doesNotContain("secret");
    } finally {
      vertx.undeploy(id).await();
    }
  }

  @Test
  void a_job_outliving_its_timeout_fails_as_timeout_and_is_retried() {
    String q = queue();
    AtomicInteger runs = new AtomicInteger();
    TestWorker w = new TestWorker("SlowWorker", false, (job, tx) -> {
      if (runs.incrementAndGet() == 1) return Promise.<JsonObject>promise().future(); // never completes
      return Future.succeededFuture(new JsonObject().put("second", true));
    });
    UUID j = enqueue(JobSpec.of("SlowWorker", q, new JsonObject()).withTimeoutSeconds(1)).job().id();
    String id = deploy(q, 1, cfg(5, 1, 1000), w);
    try {
      Poll.until("completed on the retry", Duration.ofSeconds(10), () -> job(j).state().equals(JobState.COMPLETED));
      Job d = job(j);
      assertThat(d.attempt()).isEqualTo(2);
      assertThat(d.errors().getJsonObject(0).getString("reason")).isEqualTo("timeout");
      assertThat(d.errors().getJsonObject(0).getString("category")).isEqualTo("external_dependency");
    } finally {
      vertx.undeploy(id).await();
    }
  }

  // ------------------------------------------------------------------ leases

  @Test
  void an_expired_lease_is_rescued_and_the_job_runs_again() {
    String q = queue();
    AtomicInteger runs = new AtomicInteger();
    TestWorker w = new TestWorker("RescueWorker", true, (job, tx) -> {
      runs.incrementAndGet();
      return Future.succeededFuture(new JsonObject().put("attempt", job.attempt()));
    });
    UUID j = enqueue(JobSpec.of("RescueWorker", q, new JsonObject())).job().id();
    // a runner on a dead node claimed it and vanished
    List<Job> claimed = STORE.claim(pool, q, new String[] {"RescueWorker"}, 5, "ghost:" + q, 1).await();
    assertThat(claimed).extracting(Job::id).containsExactly(j);
    String id = deploy(q, 1, cfg(5, 1, 1000), w);
    try {
      Poll.until("completed after rescue", Duration.ofSeconds(10), () -> job(j).state().equals(JobState.COMPLETED));
      Job d = job(j);
      assertThat(runs.get()).isEqualTo(1);
      assertThat(d.attempt()).isEqualTo(2);
      assertThat(d.errors()).hasSize(1);
      assertThat(d.errors().getJsonObject(0).getString("reason")).isEqualTo("timeout");
      assertThat(d.result()).isEqualTo(new JsonObject().put("attempt", 2));
    } finally {
      vertx.undeploy(id).await();
    }
  }

  @Test
  void a_runner_that_lost_its_lease_can_no_longer_complete_the_job() {
    String q = queue();
    UUID j = enqueue(JobSpec.of("FenceWorker", q, new JsonObject())).job().id();
    Job a = STORE.claim(pool, q, new String[] {"FenceWorker"}, 1, "runner-a", 30).await().get(0);
    // A's lease runs out; the job is retried and B claims it
    exec("UPDATE jobs.jobs SET state = 'retryable', locked_by = NULL, lease_until = NULL WHERE id = '" + j + "'");
    Job b = STORE.claim(pool, q, new String[] {"FenceWorker"}, 1, "runner-b", 30).await().get(0);
    assertThat(b.attempt()).isEqualTo(2);
    boolean aOwns = pool.withTransaction(tx -> STORE.fence(tx, a, "runner-a")).await();
    boolean bOwns = pool.withTransaction(tx -> STORE.fence(tx, b, "runner-b")).await();
    assertThat(aOwns).isFalse();
    assertThat(bOwns).isTrue();
    // even A's attempt number with B's runner id does not pass the fence
    assertThat(pool.withTransaction(tx -> STORE.fence(tx, a, "runner-b")).await()).isFalse();
  }

  @Test
  void heartbeats_keep_a_long_job_leased_so_it_runs_once() {
    String q = queue();
    AtomicInteger runs = new AtomicInteger();
    TestWorker w = new TestWorker("LongWorker", false, (job, tx) -> {
      runs.incrementAndGet();
      Promise<JsonObject> p = Promise.promise();
      vertx.setTimer(3500, t -> p.complete(new JsonObject()));
      return p.future();
    });
    UUID j = enqueue(JobSpec.of("LongWorker", q, new JsonObject())).job().id();
    String id = deploy(q, 2, cfg(2, 1, 1000), w);
    try {
      Poll.until("completed", Duration.ofSeconds(15), () -> job(j).state().equals(JobState.COMPLETED));
      assertThat(runs.get()).isEqualTo(1);
      assertThat(job(j).attempt()).isEqualTo(1);
      assertThat(job(j).errors()).isEmpty();
    } finally {
      vertx.undeploy(id).await();
    }
  }

  @Test
  void graceful_stop_lets_running_jobs_finish() {
    String q = queue();
    TestWorker w = new TestWorker("DrainWorker", false, (job, tx) -> {
      Promise<JsonObject> p = Promise.promise();
      vertx.setTimer(800, t -> p.complete(new JsonObject().put("drained", true)));
      return p.future();
    });
    UUID j = enqueue(JobSpec.of("DrainWorker", q, new JsonObject())).job().id();
    String id = deploy(q, 1, cfg(5, 1, 5000), w);
    Poll.until("running", Duration.ofSeconds(5), () -> job(j).state().equals(JobState.EXECUTING));
    vertx.undeploy(id).await();
    assertThat(job(j).state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void stop_after_the_grace_period_releases_the_lease_of_an_unfinished_job() {
    String q = queue();
    TestWorker w = new TestWorker("StuckWorker", false, (job, tx) -> Promise.<JsonObject>promise().future());
    UUID j = enqueue(JobSpec.of("StuckWorker", q, new JsonObject())).job().id();
    String id = deploy(q, 1, cfg(30, 10, 200), w);
    Poll.until("running", Duration.ofSeconds(5), () -> job(j).state().equals(JobState.EXECUTING));
    vertx.undeploy(id).await();
    Job released = job(j);
    assertThat(released.state()).isEqualTo(JobState.AVAILABLE);
    assertThat(released.lockedBy()).isNull();
  }

  @Test
  void the_nodes_job_upkeep_prunes_old_finished_jobs_and_reads_the_queue_depth() {
    String q = queue();
    UUID old = enqueue(JobSpec.of("UpkeepWorker", q, new JsonObject())).job().id();
    UUID recent = enqueue(JobSpec.of("UpkeepWorker", q, new JsonObject())).job().id();
    UUID waiting = enqueue(JobSpec.of("UpkeepWorker", q, new JsonObject())).job().id();
    exec("UPDATE jobs.jobs SET state = 'completed', completed_at = now() - interval '8 days' WHERE id = '" + old + "'");
    exec("UPDATE jobs.jobs SET state = 'completed', completed_at = now() WHERE id = '" + recent + "'");
    var reg = io.vertx.micrometer.backends.BackendRegistries.getNow(app.app.node().registryName);
    String id = vertx.deployVerticle(new JobsMaintenanceVerticle(cfg(5, 1, 1000), app.app.config().db(),
        app.app.node(), List.of(q))).await();
    try {
      Poll.until("the job finished 8 days ago pruned (prune_days 7)", Duration.ofSeconds(10),
          () -> count("SELECT count(*) FROM jobs.jobs WHERE id = '" + old + "'") == 0);
      assertThat(count("SELECT count(*) FROM jobs.jobs WHERE id IN ('" + recent + "', '" + waiting + "')")).isEqualTo(2);
      Poll.until("the depth gauge reads the waiting job", Duration.ofSeconds(10), () -> {
        var g = reg.find("ledger.jobs.queue.depth").tag("queue", q).gauge();
        return g != null && g.value() == 1.0;
      });
    } finally {
      vertx.undeploy(id).await();
    }
  }

  @Test
  void metrics_count_outcomes_on_the_nodes_registry() {
    String q = queue();
    TestWorker ok = new TestWorker("MeteredWorker", false, (job, tx) -> Future.succeededFuture(new JsonObject()));
    TestWorker bad = new TestWorker("MeteredDeadWorker", false,
        (job, tx) -> LedgerException.fail(ErrorCode.ACCOUNT_INACTIVE, "inactive"));
    UUID a = enqueue(JobSpec.of("MeteredWorker", q, new JsonObject())).job().id();
    UUID b = enqueue(JobSpec.of("MeteredDeadWorker", q, new JsonObject())).job().id();
    String registry = app.app.node().registryName;
    String id = vertx.deployVerticle(() -> new JobRunnerVerticle(cfg(5, 1, 1000), app.app.config().db(), "test",
        app.app.node(), q, 2, (v, p) -> List.of(ok, bad)), new DeploymentOptions()).await();
    String upkeep = vertx.deployVerticle(new JobsMaintenanceVerticle(cfg(5, 1, 1000), app.app.config().db(),
        app.app.node(), List.of(q))).await();
    try {
      Poll.until("both done", Duration.ofSeconds(10), () -> job(a).state().equals(JobState.COMPLETED)
          && job(b).state().equals(JobState.DEAD));
      var reg = io.vertx.micrometer.backends.BackendRegistries.getNow(registry);
      Poll.until("metrics", Duration.ofSeconds(5), () -> reg.find("ledger.jobs.claim.to.done").tag("queue", q).timers().size() == 2);
      assertThat(reg.get("ledger.jobs").tag("worker", "MeteredWorker").tag("outcome", "completed").counter().count())
          .isEqualTo(1.0);
      assertThat(reg.get("ledger.jobs.dead").tag("worker", "MeteredDeadWorker").tag("reason", "account_inactive")
          .counter().count()).isEqualTo(1.0);
      assertThat(reg.get("ledger.jobs.queue.depth").tag("queue", q).gauge()).isNotNull();
      var scrape = app.api.get("/api/metrics", null);
      assertThat(scrape.body()).contains("ledger_jobs_total{").contains("ledger_jobs_dead_total{")
          .contains("ledger_jobs_claim_to_done_seconds").contains("ledger_jobs_queue_depth{");
      JsonObject health = app.api.get("/api/health/detailed", null).json();
      assertThat(health.getJsonObject("details").getJsonObject("jobs_" + q).getInteger("concurrency")).isEqualTo(2);
    } finally {
      vertx.undeploy(upkeep).await();
      vertx.undeploy(id).await();
    }
  }

  @Test
  void a_runner_claims_only_the_workers_it_knows() {
    String q = queue();
    TestWorker w = new TestWorker("KnownWorker", false, (job, tx) -> Future.succeededFuture(new JsonObject()));
    UUID known = enqueue(JobSpec.of("KnownWorker", q, new JsonObject())).job().id();
    UUID other = enqueue(JobSpec.of("SomeoneElsesWorker", q, new JsonObject())).job().id();
    String id = deploy(q, 1, cfg(5, 1, 1000), w);
    try {
      Poll.until("known done", Duration.ofSeconds(5), () -> job(known).state().equals(JobState.COMPLETED));
      assertThat(job(other).state()).isEqualTo(JobState.AVAILABLE);
    } finally {
      vertx.undeploy(id).await();
    }
  }
}
