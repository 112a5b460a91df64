package com.ledger.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A claim (jobs.claim; jobs/V7) moves the jobs it picked through their primary key, even on a connection whose first
 * claims ran while the jobs table was empty and vacuumed (an idle node): the plan PL/pgSQL keeps from then must not
 * read the whole table once jobs pile up (jobs/V4's did, until the next VACUUM replanned it). Counted, not timed: the
 * sequential scans of jobs.jobs and the entries read from its indexes by the claim (PostgreSQL's per-transaction
 * counters).
 */
class JobClaimPlanTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    // no job runner, nothing enqueued: the fresh database's jobs table stays empty until this test fills it
    app = TestApp.start(Map.of("roles", List.of("users")));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static final String CLAIM = "SELECT id FROM jobs.claim('claim-test', ARRAY['ClaimTest'], 20, 'r-claim', 60)";

  @Test
  void a_claim_planned_on_an_empty_table_still_finds_its_jobs_by_id_once_thousands_wait() throws SQLException {
    try (Connection c = TestDatabase.jdbc(app.dbUrl); Statement st = c.createStatement()) {
      st.execute("ALTER TABLE jobs.jobs SET (autovacuum_enabled = false)");   // nothing replans behind the test's back
      try (ResultSet rs = st.executeQuery("SELECT pg_relation_size('jobs.jobs')")) {
        rs.next();
        assertThat(rs.getLong(1)).as("the jobs table of a fresh database").isZero();
      }
      st.execute("VACUUM jobs.jobs");   // the node's periodic VACUUM on the empty table: pg_class says 0 pages, 0 rows
      // an idle node's claims: more than PL/pgSQL's five custom plans, so its generic plan is the one kept
      for (int i = 0; i < 8; i++) {
        try (ResultSet rs = st.executeQuery(CLAIM)) {
          assertThat(rs.next()).isFalse();
        }
      }
      st.execute("""
          INSERT INTO jobs.jobs (worker, queue, state, args, scheduled_at)
          SELECT 'ClaimTest', 'claim-test', 'available', jsonb_build_object('n', g), now() - (3000 - g) * interval '1 s'
            FROM generate_series(1, 3000) g""");

      c.setAutoCommit(false);
      try {
        long[] before = reads(st);
        List<UUID> claimed = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(CLAIM)) {
          while (rs.next()) claimed.add(rs.getObject(1, UUID.class));
        }
        long[] after = reads(st);
        assertThat(after[0] - before[0]).as("sequential scans of jobs.jobs by the claim").isZero();
        assertThat(after[1] - before[1]).as("index entries read by the claim (3,000 jobs wait)")
            .isLessThanOrEqualTo(60);
        // the first 20 in claim order (priority, due time, id), now executing under this runner's lease
        try (ResultSet rs = st.executeQuery("""
            SELECT array_agg(id ORDER BY priority, scheduled_at, id)
                     FILTER (WHERE state = 'executing' AND locked_by = 'r-claim' AND attempt = 1
                               AND lease_until > now()),
                   (array_agg(id ORDER BY priority, scheduled_at, id))[1:20]
              FROM jobs.jobs WHERE queue = 'claim-test'""")) {
          rs.next();
          List<UUID> executing = uuids(rs.getArray(1));
          List<UUID> first = uuids(rs.getArray(2));
          assertThat(claimed).hasSize(20).containsExactlyInAnyOrderElementsOf(first);
          assertThat(executing).containsExactlyElementsOf(first);
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
        st.execute("DELETE FROM jobs.jobs WHERE queue = 'claim-test'");
        st.execute("ALTER TABLE jobs.jobs RESET (autovacuum_enabled)");
      }
    }
  }

  private static List<UUID> uuids(Array a) throws SQLException {
    return Arrays.stream((Object[]) a.getArray()).map(o -> (UUID) o).toList();
  }

  /**
   * Sequential scans of jobs.jobs and entries read from all its indexes so far. PostgreSQL 15 counts them per backend
   * until it reports them (at most once a second, between transactions), so only differences within one transaction
   * are the statements' own.
   */
  private static long[] reads(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery("""
        SELECT pg_stat_get_xact_numscans('jobs.jobs'::regclass),
               (SELECT sum(pg_stat_get_xact_tuples_returned(indexrelid)) FROM pg_index
                 WHERE indrelid = 'jobs.jobs'::regclass)""")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }
}
