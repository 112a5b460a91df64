package com.ledger.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import io.vertx.core.DeploymentOptions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code jobs.vacuum_interval_ms}: the maintenance verticle vacuums the jobs table itself, so the dead versions every
 * job leaves (and the claim index entries of every job claimed) do not pile up between autovacuum runs — or forever
 * where autovacuum is off, as on the machine these tests were written on.
 */
class JobsVacuumTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("roles", List.of("users")));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void a_node_vacuums_the_jobs_table_every_interval_and_the_dead_claims_are_gone() throws Exception {
    try (Connection c = TestDatabase.jdbc(app.dbUrl); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE jobs.jobs SET (autovacuum_enabled = false)");  // only the node's VACUUM counts here
      // 2,000 jobs enqueued, claimed and completed: three versions each, two of them dead
      st.execute("""
          INSERT INTO jobs.jobs (worker, queue, args)
          SELECT 'VacuumTest', 'vacuum-test', '{}' FROM generate_series(1, 2000)""");
      st.execute("UPDATE jobs.jobs SET state = 'executing', attempt = 1, locked_by = 'r' WHERE queue = 'vacuum-test'");
      st.execute("UPDATE jobs.jobs SET state = 'completed', locked_by = NULL WHERE queue = 'vacuum-test'");
      long before = vacuums(st);
      assertThat(deadTuples(st)).isGreaterThanOrEqualTo(4000);

      JobsConfig cfg = new JobsConfig(Map.of("vacuum-test", 1), 100, 30, 10, 7, 1000, 5000, 100, 200);
      String id = app.app.vertx().deployVerticle(() -> new JobsMaintenanceVerticle(cfg, app.app.config().db(), null,
          List.of("vacuum-test")), new DeploymentOptions()).await();
      try {
        Poll.until("the node's VACUUM of jobs.jobs", Duration.ofSeconds(20), () -> vacuums(st) > before);
        assertThat(deadTuples(st)).isZero();
      } finally {
        app.app.vertx().undeploy(id).await();
        st.execute("ALTER TABLE jobs.jobs RESET (autovacuum_enabled)");
      }
    }
  }

  @Test
  void with_an_interval_of_zero_the_node_leaves_vacuuming_to_autovacuum() throws Exception {
    try (Connection c = TestDatabase.jdbc(app.dbUrl); Statement st = c.createStatement()) {
      long before = vacuums(st);
      JobsConfig cfg = new JobsConfig(Map.of("vacuum-test", 1), 100, 30, 10, 7, 1000, 100, 100, 0);
      String id = app.app.vertx().deployVerticle(() -> new JobsMaintenanceVerticle(cfg, app.app.config().db(), null,
          List.of("vacuum-test")), new DeploymentOptions()).await();
      try {
        // the depth gauge ticks every 100 ms meanwhile: the verticle runs, it only does not vacuum
        Poll.holdsFor("no VACUUM of jobs.jobs", Duration.ofMillis(800), () -> vacuums(st) == before);
      } finally {
        app.app.vertx().undeploy(id).await();
      }
    }
  }

  /** Manual (not auto) VACUUMs of jobs.jobs so far; a new snapshot of the statistics each time. */
  private static long vacuums(Statement st) {
    return stat(st, "vacuum_count");
  }

  private static long deadTuples(Statement st) {
    return stat(st, "n_dead_tup");
  }

  private static long stat(Statement st, String column) {
    try {
      st.execute("SELECT pg_stat_force_next_flush()");  // this session's own counts (the updates above) included
      st.execute("SELECT pg_stat_clear_snapshot()");
      try (ResultSet rs = st.executeQuery(
          "SELECT " + column + " FROM pg_stat_user_tables WHERE relid = 'jobs.jobs'::regclass")) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
