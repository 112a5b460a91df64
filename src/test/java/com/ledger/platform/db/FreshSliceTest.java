package com.ledger.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.ledger.platform.config.AppConfig;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A fresh database's slices are migrated without Flyway's set-up ({@link FreshSlice}): the result must be exactly what
 * Flyway alone makes of the same scripts (schema and history), Flyway must accept that history afterwards, concurrent
 * starts must apply each script once, and a failing script must leave nothing behind.
 */
class FreshSliceTest {

  @Test
  void a_fresh_database_gets_the_schema_and_history_flyway_alone_gives_it() throws Exception {
    String byFlyway = TestDatabase.fresh();
    String byFreshPath = TestDatabase.fresh();
    try (Connection f = TestDatabase.jdbc(byFlyway); Connection p = TestDatabase.jdbc(byFreshPath)) {
      Migrations.Result flyway = Migrations.migrate(config(byFlyway).db(), false);
      Migrations.Result fresh = Migrations.migrate(config(byFreshPath).db(), true);
      assertThat(fresh).isEqualTo(flyway);
      assertThat(fresh.executed()).isGreaterThanOrEqualTo(Migrations.SLICES.size());

      for (String slice : Migrations.SLICES) {
        // Flyway commits each script on its own; the fresh path runs a slice in one transaction (one now())
        assertThat(distinctInstalledOn(f, slice)).as(slice + " by Flyway").isGreaterThan(1);
        assertThat(distinctInstalledOn(p, slice)).as(slice + " by the fresh path").isEqualTo(1);
      }
      List<String> expected = fingerprint(f);
      assertThat(expected).anyMatch(l -> l.startsWith("function payments.")).anyMatch(l -> l.startsWith("index "))
          .anyMatch(l -> l.startsWith("history payments|23|"));
      assertThat(fingerprint(p)).containsExactlyElementsOf(expected);
      assertThat(AppliedMigrations.upToDate(p, Migrations.SLICES)).isTrue();
    } finally {
      TestDatabase.drop(byFlyway);
      TestDatabase.drop(byFreshPath);
    }
  }

  @Test
  void flyway_validates_the_history_and_migrates_a_later_script_on_top_of_it(@TempDir Path later) throws Exception {
    String db = TestDatabase.fresh();
    try (Connection c = TestDatabase.jdbc(db)) {
      Migrations.migrate(config(db).db());
      var o = Pools.connectOptions(config(db).db());
      for (String slice : Migrations.SLICES) {
        Flyway flyway = Flyway.configure().dataSource(Pools.jdbcUrl(o), o.getUser(), o.getPassword()).schemas(slice)
            .createSchemas(true).locations("classpath:db/migration/" + slice).table("flyway_schema_history").load();
        flyway.validate();
        assertThat(flyway.info().pending()).as(slice).isEmpty();
        assertThat(flyway.migrate().migrationsExecuted).as(slice).isZero();
      }
      // the next build's users script
      Files.writeString(later.resolve("V3__later.sql"), "CREATE TABLE users.fresh_slice_later (id int);\n");
      MigrateResult r = Flyway.configure().dataSource(Pools.jdbcUrl(o), o.getUser(), o.getPassword()).schemas("users")
          .createSchemas(true).locations("classpath:db/migration/users", "filesystem:" + later)
          .table("flyway_schema_history").load().migrate();
      assertThat(r.migrationsExecuted).isEqualTo(1);
      assertThat(r.targetSchemaVersion).isEqualTo("3");
      assertThat(AppliedMigrations.upToDate(c, Migrations.SLICES)).as("the history now holds a script this build lacks")
          .isFalse();
    } finally {
      TestDatabase.drop(db);
    }
  }

  @Test
  void nodes_starting_at_once_on_a_fresh_database_apply_every_script_exactly_once() throws Exception {
    String db = TestDatabase.fresh();
    ExecutorService nodes = Executors.newFixedThreadPool(3);
    Logger log = (Logger) LoggerFactory.getLogger(Migrations.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    log.addAppender(events);
    try (Connection c = TestDatabase.jdbc(db)) {
      AppConfig cfg = config(db);
      List<Callable<Migrations.Result>> starts = List.of(() -> Migrations.migrate(cfg.db()),
          () -> Migrations.migrate(cfg.db()), () -> Migrations.migrate(cfg.db()));
      int executed = 0;
      for (Future<Migrations.Result> r : nodes.invokeAll(starts, 2, TimeUnit.MINUTES)) executed += r.get().executed();
      int packaged = 0;
      for (String slice : Migrations.SLICES) packaged += AppliedMigrations.scripts(slice).orElseThrow().size();
      assertThat(executed).as("scripts run over the three starts").isEqualTo(packaged);
      try (var st = c.createStatement(); var rs = st.executeQuery(unionOfHistories(
          "SELECT count(*) - count(DISTINCT script) AS twice, count(*) FILTER (WHERE NOT success) AS failed FROM %s"))) {
        while (rs.next()) {
          assertThat(rs.getInt("twice")).isZero();
          assertThat(rs.getInt("failed")).isZero();
        }
      }
      assertThat(AppliedMigrations.upToDate(c, Migrations.SLICES)).isTrue();
      // each slice went through the fresh path once; the other starts waited for it and found the schema made
      List<ILoggingEvent> seen = List.copyOf(events.list);
      assertThat(seen).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
      List<String> fresh = seen.stream().filter(e -> e.getKeyValuePairs() != null
              && e.getKeyValuePairs().stream().anyMatch(kv -> "path".equals(kv.key)))
          .map(e -> String.valueOf(e.getKeyValuePairs().stream().filter(kv -> "slice".equals(kv.key)).findFirst()
              .orElseThrow().value)).toList();
      assertThat(fresh).containsExactlyInAnyOrderElementsOf(Migrations.SLICES);
    } finally {
      log.detachAppender(events);
      nodes.shutdownNow();
      TestDatabase.drop(db);
    }
  }

  @Test
  void a_failing_script_rolls_the_whole_slice_back() throws Exception {
    String db = TestDatabase.fresh();
    try (Connection c = TestDatabase.jdbc(db)) {
      for (int attempt = 1; attempt <= 2; attempt++) {  // nothing half-written: the second attempt fails the same way
        assertThatThrownBy(() -> FreshSlice.apply(c, "fresh_slice_test_broken")).isInstanceOf(SQLException.class)
            .hasMessageContaining("fresh_slice_test_broken.missing");
        assertThat(c.getAutoCommit()).isTrue();
        try (var st = c.createStatement(); var rs = st.executeQuery(
            "SELECT count(*) FROM pg_namespace WHERE nspname = 'fresh_slice_test_broken'")) {
          rs.next();
          assertThat(rs.getInt(1)).as("attempt " + attempt + ": the schema was rolled back").isZero();
        }
      }
    } finally {
      TestDatabase.drop(db);
    }
  }

  @Test
  void a_slice_that_needs_a_transaction_per_script_is_then_migrated_by_flyway_script_by_script() throws Exception {
    String db = TestDatabase.fresh();
    Logger log = (Logger) LoggerFactory.getLogger(Migrations.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    log.addAppender(events);
    try (Connection c = TestDatabase.jdbc(db)) {
      var o = Pools.connectOptions(config(db).db());
      // V3 uses the enum value V2 adds: PostgreSQL refuses that before V2 is committed
      Migrations.SliceResult r = Migrations.migrate("fresh_slice_test_enum", Pools.jdbcUrl(o), o.getUser(),
          o.getPassword(), 5_000, true);
      assertThat(r).isEqualTo(new Migrations.SliceResult(3, "3"));
      assertThat(List.copyOf(events.list)).anyMatch(e -> e.getLevel() == Level.WARN
          && e.getFormattedMessage().contains("Flyway retries it"));
      assertThat(distinctInstalledOn(c, "fresh_slice_test_enum")).as("Flyway's history: a transaction per script")
          .isGreaterThan(1);
      try (var st = c.createStatement(); var rs = st.executeQuery(
          "INSERT INTO fresh_slice_test_enum.paint DEFAULT VALUES RETURNING c::text")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("blue");
      }
    } finally {
      log.detachAppender(events);
      TestDatabase.drop(db);
    }
  }

  @Test
  void a_failing_script_is_reported_by_flyway_in_its_own_terms() throws Exception {
    String db = TestDatabase.fresh();
    try {
      var o = Pools.connectOptions(config(db).db());
      assertThatThrownBy(() -> Migrations.migrate("fresh_slice_test_broken", Pools.jdbcUrl(o), o.getUser(),
          o.getPassword(), 5_000, true)).isInstanceOf(FlywayException.class).hasMessageContaining("V2__second_fails");
    } finally {
      TestDatabase.drop(db);
    }
  }

  @Test
  void a_slice_whose_schema_exists_is_left_to_flyway() throws Exception {
    String db = TestDatabase.fresh();
    try (Connection c = TestDatabase.jdbc(db); var st = c.createStatement()) {
      st.execute("CREATE SCHEMA users");
      assertThat(FreshSlice.apply(c, "users")).isEmpty();
      try (var rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = 'users'")) {
        rs.next();
        assertThat(rs.getInt(1)).isZero();
      }
      assertThat(Migrations.migrate(config(db).db()).executed()).as("Flyway migrates it, and the other slices")
          .isGreaterThanOrEqualTo(Migrations.SLICES.size());
      assertThat(AppliedMigrations.upToDate(c, Migrations.SLICES)).isTrue();
    } finally {
      TestDatabase.drop(db);
    }
  }

  private static int distinctInstalledOn(Connection c, String slice) throws SQLException {
    try (var st = c.createStatement(); var rs = st.executeQuery(
        "SELECT count(DISTINCT installed_on) FROM " + slice + ".flyway_schema_history")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * The slices' schemas as sorted lines: columns, constraints, indexes, functions, triggers, views, sequences and
   * comments, plus the history without its timing columns.
   */
  private static List<String> fingerprint(Connection c) throws SQLException {
    String schemas = "(" + String.join(", ", Migrations.SLICES.stream().map(s -> "'" + s + "'").toList()) + ")";
    String sql = """
        SELECT 'column ' || table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || ' '
               || is_nullable || ' ' || coalesce(column_default, '') || ' ' || ordinal_position
          FROM information_schema.columns WHERE table_schema IN %1$s
        UNION ALL
        SELECT 'constraint ' || n.nspname || '.' || r.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
          FROM pg_constraint con JOIN pg_class r ON r.oid = con.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
         WHERE n.nspname IN %1$s
        UNION ALL
        SELECT 'index ' || pg_get_indexdef(i.indexrelid)
          FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid JOIN pg_namespace n ON n.oid = r.relnamespace
         WHERE n.nspname IN %1$s
        UNION ALL
        SELECT 'function ' || n.nspname || '.' || p.proname || ' ' || pg_get_function_identity_arguments(p.oid) || ' '
               || pg_get_functiondef(p.oid) || ' ' || coalesce(array_to_string(p.proconfig, ','), '')
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN %1$s AND p.prokind IN ('f', 'p')
        UNION ALL
        SELECT 'trigger ' || pg_get_triggerdef(t.oid)
          FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid JOIN pg_namespace n ON n.oid = r.relnamespace
         WHERE n.nspname IN %1$s AND NOT t.tgisinternal
        UNION ALL
        SELECT 'view ' || schemaname || '.' || viewname || ' ' || definition FROM pg_views WHERE schemaname IN %1$s
        UNION ALL
        SELECT 'sequence ' || sequence_schema || '.' || sequence_name FROM information_schema.sequences
         WHERE sequence_schema IN %1$s
        UNION ALL
        SELECT 'comment ' || n.nspname || '.' || r.relname || ' ' || d.objsubid || ' ' || d.description
          FROM pg_description d JOIN pg_class r ON r.oid = d.objoid AND d.classoid = 'pg_class'::regclass
          JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname IN %1$s
        UNION ALL
        SELECT 'reloptions ' || n.nspname || '.' || r.relname || ' ' || array_to_string(r.reloptions, ',')
          FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname IN %1$s AND r.reloptions IS NOT NULL
        ORDER BY 1
        """.formatted(schemas);
    List<String> out = new ArrayList<>();
    try (var st = c.createStatement()) {
      try (var rs = st.executeQuery(sql)) {
        while (rs.next()) out.add(rs.getString(1));
      }
      try (var rs = st.executeQuery(unionOfHistories("SELECT '%1$s', installed_rank, version, description, type, "
          + "script, checksum, installed_by, success FROM %1$s.flyway_schema_history") + " ORDER BY 1, 2")) {
        while (rs.next()) {
          out.add("history " + rs.getString(1) + "|" + rs.getString(3) + "|" + rs.getInt(2) + "|" + rs.getString(4)
              + "|" + rs.getString(5) + "|" + rs.getString(6) + "|" + rs.getString(7) + "|" + rs.getString(8)
              + "|" + rs.getBoolean(9));
        }
      }
    }
    return out;
  }

  /** {@code select} (with %1$s for the slice, or %s for its history table) over every slice, UNION ALL. */
  private static String unionOfHistories(String select) {
    return String.join(" UNION ALL ", Migrations.SLICES.stream()
        .map(s -> select.contains("%1$s") ? select.formatted(s) : select.formatted(s + ".flyway_schema_history"))
        .toList());
  }

  private static AppConfig config(String db) {
    return TestApp.config(TestApp.settings(Map.of("db.url", db)));
  }
}
