package com.ledger.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fence and the completion of a batch (jobs.lock_owned, jobs.complete_all; jobs/V6 reaches each job by primary
 * key whatever the statistics say): only the attempts a runner still owns are locked and returned, in id order; only
 * attempts still executing are completed, and the count says how many.
 */
class JobFenceTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("roles", List.of("users")));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static UUID job(Connection c, String state, String lockedBy, int attempt) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        INSERT INTO jobs.jobs (worker, queue, state, args, attempt, locked_by, lease_until)
        VALUES ('FenceTest', 'fence-test', ?, '{}', ?, ?, CASE WHEN ? = 'executing' THEN now() + interval '1 minute' END)
        RETURNING id""")) {
      ps.setString(1, state);
      ps.setInt(2, attempt);
      ps.setString(3, lockedBy);
      ps.setString(4, state);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getObject(1, UUID.class);
      }
    }
  }

  private static List<UUID> ids(ResultSet rs) throws SQLException {
    List<UUID> out = new ArrayList<>();
    while (rs.next()) out.add(rs.getObject(1, UUID.class));
    return out;
  }

  @Test
  void the_fence_locks_and_returns_only_the_attempts_the_runner_owns_in_id_order_and_completion_counts_them()
      throws Exception {
    try (Connection c = TestDatabase.jdbc(app.dbUrl); Connection other = TestDatabase.jdbc(app.dbUrl)) {
      UUID a = job(c, "executing", "r1", 1);
      UUID b = job(c, "executing", "r1", 1);
      UUID otherRunner = job(c, "executing", "r2", 1);
      UUID laterAttempt = job(c, "executing", "r1", 2);
      UUID waiting = job(c, "available", null, 0);
      UUID missing = UUID.randomUUID();
      List<UUID> owned = new ArrayList<>(List.of(a, b));
      owned.sort(java.util.Comparator.comparing(UUID::toString));   // PostgreSQL orders uuids bytewise

      c.setAutoCommit(false);
      List<UUID> fenced;
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM jobs.lock_owned(?::uuid[], ?::int[], 'r1')")) {
        ps.setArray(1, c.createArrayOf("uuid", new UUID[] {b, otherRunner, laterAttempt, waiting, missing, a}));
        ps.setArray(2, c.createArrayOf("int4", new Integer[] {1, 1, 1, 1, 1, 1}));
        fenced = ids(ps.executeQuery());
      }
      assertThat(fenced).containsExactlyElementsOf(owned);

      // the fenced rows are held until the fence's transaction ends; the others are not
      other.setAutoCommit(false);
      try (PreparedStatement ps = other.prepareStatement(
          "SELECT id FROM jobs.jobs WHERE queue = 'fence-test' FOR UPDATE SKIP LOCKED")) {
        assertThat(ids(ps.executeQuery())).containsExactlyInAnyOrder(otherRunner, laterAttempt, waiting);
      }
      try (PreparedStatement ps = other.prepareStatement("SELECT 1 FROM jobs.jobs WHERE id = ? FOR UPDATE NOWAIT")) {
        ps.setObject(1, a);
        assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class).hasMessageContaining("could not obtain lock");
      }
      other.rollback();

      int done;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT jobs.complete_all(?::uuid[], ?::int[], ?::jsonb[])")) {
        // a and b (attempt 1) complete; laterAttempt asked with a stale attempt and waiting is not executing
        ps.setArray(1, c.createArrayOf("uuid", new UUID[] {a, laterAttempt, b, waiting}));
        ps.setArray(2, c.createArrayOf("int4", new Integer[] {1, 1, 1, 0}));
        ps.setArray(3, c.createArrayOf("jsonb", new String[] {"{\"n\": 1}", "{}", "{\"n\": 2}", "{}"}));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          done = rs.getInt(1);
        }
      }
      c.commit();
      assertThat(done).isEqualTo(2);

      try (PreparedStatement ps = c.prepareStatement("""
          SELECT id, state, coalesce(result ->> 'n', '-'), locked_by IS NULL AND lease_until IS NULL,
                 completed_at IS NOT NULL
            FROM jobs.jobs WHERE queue = 'fence-test'""")) {
        Map<UUID, String> rows = new java.util.HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.put(rs.getObject(1, UUID.class),
                rs.getString(2) + " " + rs.getString(3) + " " + rs.getBoolean(4) + " " + rs.getBoolean(5));
          }
        }
        assertThat(rows).containsEntry(a, "completed 1 true true").containsEntry(b, "completed 2 true true")
            .containsEntry(otherRunner, "executing - false false").containsEntry(laterAttempt, "executing - false false")
            .containsEntry(waiting, "available - true false");
      }

      // completing again changes nothing
      try (PreparedStatement ps = c.prepareStatement("SELECT jobs.complete_all(?::uuid[], ?::int[], ?::jsonb[])")) {
        ps.setArray(1, c.createArrayOf("uuid", new UUID[] {a, b}));
        ps.setArray(2, c.createArrayOf("int4", new Integer[] {1, 1}));
        ps.setArray(3, c.createArrayOf("jsonb", new String[] {"{}", "{}"}));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getInt(1)).isZero();
        }
      }
      c.commit();
    }
  }

  /**
   * Statistics taken while no job was executing (an ANALYZE on an idle node) make the planner expect one executing
   * job, and the state index (in heap order, unlike the uuid primary key) then looks cheaper; then thousands of other
   * runners' jobs executing: fencing and completing a batch still probe each job by id. The pages read (EXPLAIN ANALYZE's buffer
   * counts, which include the functions' own statements) stay a few per job (~8 to fence, ~20 to complete: the
   * completion writes every index). jobs/V5's plans read the executing range of the state index once per job to
   * fence (~70 pages per job here) and once per job per executing job to complete (9.9 million pages, 60 s, for 50
   * jobs among 3,000).
   */
  @Test
  void a_batch_is_fenced_and_completed_through_the_primary_key_whatever_the_statistics_say() throws Exception {
    int others = 1_000;
    int batch = 20;
    try (Connection c = TestDatabase.jdbc(app.dbUrl)) {
      try (var st = c.createStatement()) {
        st.execute("ALTER TABLE jobs.jobs SET (autovacuum_enabled = false)");  // the statistics stay as taken here
        st.execute("DELETE FROM jobs.jobs WHERE queue = 'fence-test'");  // no executing job when they are taken
        st.execute("""
            INSERT INTO jobs.jobs (worker, queue, state, args, attempt, completed_at)
            SELECT 'FenceTest', 'stats-test', 'completed', '{}', 1, now() FROM generate_series(1, 5000)""");
        st.execute("ANALYZE jobs.jobs");
        st.execute("""
            INSERT INTO jobs.jobs (worker, queue, state, args, attempt, locked_by, lease_until)
            SELECT 'FenceTest', 'stats-test', 'executing', '{}', 1, 'someone-else', now() + interval '1 minute'
              FROM generate_series(1, %d)""".formatted(others));
      }
      UUID[] mine = new UUID[batch];
      Integer[] attempts = new Integer[batch];
      String[] results = new String[batch];
      for (int i = 0; i < batch; i++) {
        mine[i] = job(c, "executing", "r-stats", 1);
        attempts[i] = 1;
        results[i] = "{}";
      }
      c.setAutoCommit(false);
      try {
        long fenced = pagesRead(c, "SELECT * FROM jobs.lock_owned(?::uuid[], ?::int[], 'r-stats')", mine, attempts, null);
        long completed = pagesRead(c, "SELECT jobs.complete_all(?::uuid[], ?::int[], ?::jsonb[])", mine, attempts,
            results);
        assertThat(fenced).as("pages read to fence %d jobs", batch).isLessThan(batch * 20L);
        assertThat(completed).as("pages read to complete %d jobs", batch).isLessThan(batch * 40L);
        try (PreparedStatement ps = c.prepareStatement(
            "SELECT count(*) FROM jobs.jobs WHERE locked_by IS NULL AND state = 'completed' AND id = ANY(?::uuid[])")) {
          ps.setArray(1, c.createArrayOf("uuid", mine));
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(batch);
          }
        }
      } finally {
        c.rollback();
        c.setAutoCommit(true);
        try (var st = c.createStatement()) {
          // every job this test made (its own batch went through job(), queue fence-test): the other test counts those
          st.execute("DELETE FROM jobs.jobs WHERE queue = 'stats-test' OR locked_by = 'r-stats'");
          st.execute("ALTER TABLE jobs.jobs RESET (autovacuum_enabled)");
        }
      }
    }
  }

  /** Shared buffers hit or read while running {@code sql}, its nested statements included. */
  private static long pagesRead(Connection c, String sql, UUID[] ids, Integer[] attempts, String[] results)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)) {
      ps.setArray(1, c.createArrayOf("uuid", ids));
      ps.setArray(2, c.createArrayOf("int4", attempts));
      if (results != null) ps.setArray(3, c.createArrayOf("jsonb", results));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        var plan = new io.vertx.core.json.JsonArray(rs.getString(1)).getJsonObject(0).getJsonObject("Plan");
        return plan.getLong("Shared Hit Blocks") + plan.getLong("Shared Read Blocks");
      }
    }
  }
}
