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
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job side of a run that claims inside its own transaction (jobs/V9: {@code jobs.pick}, {@code
 * jobs.complete_picked}, {@code jobs.lease_picked}) finds its rows through an index even on a connection whose first
 * calls were made on an idle node: the jobs table empty and vacuumed. In the benchmark a plan kept from such a
 * table made the completion read the whole table at every batch. Counted, not timed, with {@link
 * JobStatementPlansTest}'s counters: sequential scans of jobs.jobs and the entries read from its indexes, within one
 * transaction on one statement-caching connection.
 */
class PickedRunPlansTest {
  static TestApp app;
  static Pool one;

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

  private static final String PICK = "SELECT id FROM jobs.pick('plan-test', '{PlanTest}', $1)";
  private static final String COMPLETE = "SELECT jobs.complete_picked($1, $2) AS n";
  private static final String LEASE = "SELECT id, state, attempt, locked_by FROM jobs.lease_picked($1, 'r-plan', 60)";

  @Test
  void pick_complete_and_lease_planned_on_an_empty_table_still_read_by_index_once_thousands_of_jobs_wait() {
    SqlConnection c = one.getConnection().await();
    try {
      c.query("ALTER TABLE jobs.jobs SET (autovacuum_enabled = false)").execute().await();  // nothing replans meanwhile
      assertThat(c.query("SELECT pg_relation_size('jobs.jobs')").execute().await().iterator().next().getLong(0))
          .as("the jobs table of a fresh database").isZero();
      c.query("VACUUM jobs.jobs").execute().await();   // the node's periodic VACUUM of the empty table
      // an idle node: more runs than PL/pgSQL's and the prepared statement's five custom plans
      UUID[] none = {UUID.randomUUID(), UUID.randomUUID()};
      JsonObject[] results = {new JsonObject(), new JsonObject()};
      for (int i = 0; i < 8; i++) {
        assertThat(c.preparedQuery(PICK).execute(Tuple.of(20)).await().size()).isZero();
        Row completed = c.preparedQuery(COMPLETE).execute(Tuple.tuple().addValue(none).addValue(results)).await()
            .iterator().next();
        assertThat(completed.getInteger("n")).isZero();
        assertThat(c.preparedQuery(LEASE).execute(Tuple.of((Object) none)).await().size()).isZero();
      }
      c.query("""
          INSERT INTO jobs.jobs (worker, queue, state, args, scheduled_at)
          SELECT 'PlanTest', 'plan-test', 'available', jsonb_build_object('n', g), now() - (3000 - g) * interval '1 s'
            FROM generate_series(1, 3000) g""").execute().await();

      c.query("BEGIN").execute().await();
      try {
        long[] before = JobStatementPlansTest.reads(c);
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
        long[] read = JobStatementPlansTest.minus(JobStatementPlansTest.reads(c), before);
        assertThat(read[0]).as("sequential scans of jobs.jobs").isZero();
        // the pick walks jobs_claim_index to its 20 jobs; each completion and lease is one primary-key probe
        assertThat(read[2]).as("index entries read").isLessThanOrEqualTo(100);
        Row after = c.preparedQuery("SELECT count(*) FROM jobs.jobs WHERE id = ANY($1) AND state = 'completed' "
            + "AND attempt = 1 AND result = '{\"ok\": true}'").execute(Tuple.of((Object) done)).await()
            .iterator().next();
        assertThat(after.getLong(0)).isEqualTo(10);
      } finally {
        c.query("ROLLBACK").execute().await();
        c.query("DELETE FROM jobs.jobs WHERE queue = 'plan-test'").execute().await();
        c.query("ALTER TABLE jobs.jobs RESET (autovacuum_enabled)").execute().await();
      }
    } finally {
      c.close().await();
    }
  }
}
