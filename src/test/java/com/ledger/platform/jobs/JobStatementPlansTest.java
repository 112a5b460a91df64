package com.ledger.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.TestApp;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runner's statements on the jobs table (claim, heartbeat, rescue, node expiry, release: {@link JobStore}, jobs/V7
 * and V8; the pick, completion, lease and read-back of a run that claims inside its transaction: jobs/V9) find their
 * rows through an index even on a connection whose first runs were on an idle node — the jobs table empty and vacuumed,
 * so pg_class says 0 pages and 0 rows. A plan kept from then read the whole table (the claim once per claim, the
 * sub-select statements once per row of the table, the completion of a run once per batch) until the next VACUUM
 * replanned it.
 * Counted, not timed: the sequential scans of jobs.jobs, the rows they read and the entries read from its indexes
 * (PostgreSQL's per-transaction counters), over one connection that caches its prepared statements as the node's pool
 * does.
 */
class JobStatementPlansTest {
  static TestApp app;
  static Pool one;
  static final JobStore store = new JobStore();
  static final String[] WORKERS = {"PlanTest"};

  @BeforeAll
  static void start() {
    // no job runner, nothing enqueued: the fresh database's jobs table stays empty until this test fills it
    app = TestApp.start(Map.of("roles", List.of("users")));
    one = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(PgConnectOptions.fromUri(app.dbUrl).setCachePreparedStatements(true))
        .using(app.app.vertx()).build();
  }

  @AfterAll
  static void stop() {
    one.close().await();
    app.close();
  }

  @Test
  void the_runner_statements_planned_on_an_empty_table_still_read_by_index_once_thousands_of_jobs_wait() {
    SqlConnection c = one.getConnection().await();
    try {
      idleNodesEmptyTable(c);
      // an idle node: more runs than PL/pgSQL's and the prepared statement's five custom plans
      for (int i = 0; i < 8; i++) {
        assertThat(store.claim(c, "plan-test", WORKERS, 20, "r-plan", 60).await()).isEmpty();
        assertThat(store.heartbeat(c, List.of(UUID.randomUUID()), "r-plan", 60).await()).isZero();
        assertThat(store.lockExpired(c, "plan-test", WORKERS).await()).isEmpty();
        assertThat(store.expireNode(c, "plan-test", "node-gone").await()).containsExactly(0, 0);
        assertThat(store.release(c, List.of(UUID.randomUUID()), "r-plan").await()).isZero();
      }
      // 3,000 jobs waiting; 200 executing on a node that is gone; one whose lease ran out
      c.query("""
          INSERT INTO jobs.jobs (worker, queue, state, args, scheduled_at)
          SELECT 'PlanTest', 'plan-test', 'available', jsonb_build_object('n', g), now() - (3000 - g) * interval '1 s'
            FROM generate_series(1, 3000) g""").execute().await();
      c.query("""
          INSERT INTO jobs.jobs (worker, queue, state, args, attempt, locked_by, lease_until)
          SELECT 'PlanTest', 'plan-test', 'executing', '{}', 1, 'r-gone@node-gone', now() + interval '1 minute'
            FROM generate_series(1, 200)""").execute().await();
      UUID late = c.query("""
          INSERT INTO jobs.jobs (worker, queue, state, args, attempt, locked_by, lease_until)
          VALUES ('PlanTest', 'plan-test', 'executing', '{}', 1, 'r-late', now() - interval '1 minute')
          RETURNING id""").execute().await().iterator().next().getUUID(0);

      c.query("BEGIN").execute().await();
      try {
        // the claim, once per batch: by index only (its pick from jobs_claim_index, then each job by primary key)
        long[] before = reads(c);
        List<UUID> claimed = store.claim(c, "plan-test", WORKERS, 20, "r-plan", 60).await().stream()
            .map(Job::id).toList();
        assertThat(claimed).hasSize(20);
        long[] claim = minus(reads(c), before);
        assertThat(claim[0]).as("sequential scans by the claim").isZero();
        assertThat(claim[2]).as("index entries read by the claim").isLessThanOrEqualTo(60);

        // the others: planned for the table as it is, each reads it at most once (with 3,221 rows a sequential scan
        // can be the cheaper plan); the plans kept from the empty table read it once per row (~10 million rows each)
        before = reads(c);
        assertThat(store.heartbeat(c, claimed, "r-plan", 120).await()).isEqualTo(20);
        Optional<Job> expired = store.lockExpired(c, "plan-test", WORKERS).await();
        assertThat(expired).map(Job::id).contains(late);
        assertThat(store.expireNode(c, "plan-test", "node-gone").await()).containsExactly(200, 0);
        assertThat(store.release(c, claimed, "r-plan").await()).isEqualTo(20);
        long[] rest = minus(reads(c), before);
        assertThat(rest[1]).as("rows read by sequential scans of jobs.jobs").isLessThanOrEqualTo(4 * 3_221);
        assertThat(rest[2]).as("index entries read").isLessThanOrEqualTo(4 * 3_221);
        Row states = c.preparedQuery("""
            SELECT count(*) FILTER (WHERE state = 'available' AND locked_by IS NULL AND id = ANY($1)) AS released,
                   count(*) FILTER (WHERE locked_by = 'r-gone@node-gone' AND lease_until < now()) AS ended
              FROM jobs.jobs WHERE queue = 'plan-test'""").execute(Tuple.of(claimed.toArray(UUID[]::new))).await()
            .iterator().next();
        assertThat(states.getLong("released")).isEqualTo(20);
        assertThat(states.getLong("ended")).isEqualTo(200);
      } finally {
        rollBackAndEmpty(c);
      }
    } finally {
      c.close().await();
    }
  }

  private static final String PICK = "SELECT id FROM jobs.pick('plan-test', '{PlanTest}', $1)";
  private static final String COMPLETE = "SELECT jobs.complete_picked($1, $2) AS n";
  private static final String LEASE = "SELECT id, state, attempt, locked_by FROM jobs.lease_picked($1, 'r-plan', 60)";

  @Test
  void pick_complete_and_lease_planned_on_an_empty_table_still_read_by_index_once_thousands_of_jobs_wait() {
    SqlConnection c = one.getConnection().await();
    try {
      idleNodesEmptyTable(c);
      // an idle node: more runs than PL/pgSQL's and the prepared statement's five custom plans
      UUID[] none = {UUID.randomUUID(), UUID.randomUUID()};
      JsonObject[] results = {new JsonObject(), new JsonObject()};
      for (int i = 0; i < 8; i++) {
        assertThat(c.preparedQuery(PICK).execute(Tuple.of(20)).await().size()).isZero();
        Row completed = c.preparedQuery(COMPLETE).execute(Tuple.tuple().addValue(none).addValue(results)).await()
            .iterator().next();
        assertThat(completed.getInteger("n")).isZero();
        assertThat(c.preparedQuery(LEASE).execute(Tuple.of((Object) none)).await().size()).isZero();
        assertThat(store.getAll(c, List.of(none)).await()).isEmpty();
      }
      c.query("""
          INSERT INTO jobs.jobs (worker, queue, state, args, scheduled_at)
          SELECT 'PlanTest', 'plan-test', 'available', jsonb_build_object('n', g), now() - (3000 - g) * interval '1 s'
            FROM generate_series(1, 3000) g""").execute().await();

      c.query("BEGIN").execute().await();
      try {
        long[] before = reads(c);
        List<UUID> picked = c.preparedQuery(PICK).execute(Tuple.of(20)).await().stream()
            .map(r -> r.getUUID("id")).toList();
        assertThat(picked).hasSize(20);
        UUID[] done = picked.subList(0, 10).toArray(UUID[]::new);
        JsonObject[] doneResults = new JsonObject[10];
        Arrays.fill(doneResults, new JsonObject().put("ok", true));
        Row completed = c.preparedQuery(COMPLETE).execute(Tuple.tuple().addValue(done).addValue(doneResults)).await()
            .iterator().next();
        assertThat(completed.getInteger("n")).isEqualTo(10);
        List<Row> leased = c.preparedQuery(LEASE)
            .execute(Tuple.of((Object) picked.subList(10, 20).toArray(UUID[]::new))).await().stream().toList();
        assertThat(leased).hasSize(10).allSatisfy(r -> {
          assertThat(r.getString("state")).isEqualTo("executing");
          assertThat(r.getInteger("attempt")).isEqualTo(1);
          assertThat(r.getString("locked_by")).isEqualTo("r-plan");
        });
        // the runner reads the leased jobs back to record their failures
        List<UUID> leasedIds = picked.subList(10, 20);
        assertThat(store.getAll(c, leasedIds).await()).extracting(Job::id)
            .containsExactlyInAnyOrderElementsOf(leasedIds);
        long[] read = minus(reads(c), before);
        assertThat(read[0]).as("sequential scans of jobs.jobs").isZero();
        // the pick walks jobs_claim_index to its 20 jobs; each completion, lease and read-back is one primary-key probe
        assertThat(read[2]).as("index entries read").isLessThanOrEqualTo(100);
        Row after = c.preparedQuery("SELECT count(*) FROM jobs.jobs WHERE id = ANY($1) AND state = 'completed' "
            + "AND attempt = 1 AND result = '{\"ok\": true}'").execute(Tuple.of((Object) done)).await()
            .iterator().next();
        assertThat(after.getLong(0)).isEqualTo(10);
      } finally {
        rollBackAndEmpty(c);
      }
    } finally {
      c.close().await();
    }
  }

  /** The jobs table as an idle node leaves it: empty and vacuumed (0 pages); autovacuum off so nothing replans. */
  private static void idleNodesEmptyTable(SqlConnection c) {
    c.query("ALTER TABLE jobs.jobs SET (autovacuum_enabled = false)").execute().await();
    c.query("VACUUM jobs.jobs").execute().await();   // the node's periodic VACUUM of the empty table
    assertThat(c.query("SELECT pg_relation_size('jobs.jobs')").execute().await().iterator().next().getLong(0))
        .as("the jobs table, empty and vacuumed").isZero();
  }

  private static void rollBackAndEmpty(SqlConnection c) {
    c.query("ROLLBACK").execute().await();
    c.query("DELETE FROM jobs.jobs WHERE queue = 'plan-test'").execute().await();
    c.query("ALTER TABLE jobs.jobs RESET (autovacuum_enabled)").execute().await();
  }

  /**
   * Sequential scans of jobs.jobs, the rows they read, and the entries read from all its indexes so far. PostgreSQL 15
   * counts them per backend until it reports them (at most once a second, between transactions), so only differences
   * within one transaction are the statements' own.
   */
  private static long[] reads(SqlConnection c) {
    Row r = c.query("""
        SELECT pg_stat_get_xact_numscans('jobs.jobs'::regclass) AS scans,
               pg_stat_get_xact_tuples_returned('jobs.jobs'::regclass) AS scanned,
               (SELECT sum(pg_stat_get_xact_tuples_returned(indexrelid)) FROM pg_index
                 WHERE indrelid = 'jobs.jobs'::regclass)::bigint AS entries""").execute().await().iterator().next();
    return new long[] {r.getLong("scans"), r.getLong("scanned"), r.getLong("entries")};
  }

  private static long[] minus(long[] after, long[] before) {
    return new long[] {after[0] - before[0], after[1] - before[1], after[2] - before[2]};
  }
}
