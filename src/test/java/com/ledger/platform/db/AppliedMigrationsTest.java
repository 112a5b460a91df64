package com.ledger.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ledger.platform.config.AppConfig;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart skips Flyway only when every slice's history holds exactly this build's migrations, checksums included;
 * anything else goes through Flyway as before (which migrates what is pending and refuses a changed script).
 */
class AppliedMigrationsTest {

  @Test
  void a_migrated_database_is_up_to_date_with_the_checksums_flyway_recorded() throws Exception {
    String db = TestDatabase.fresh();
    try (Connection c = TestDatabase.jdbc(db)) {
      assertThat(AppliedMigrations.upToDate(c, Migrations.SLICES)).as("fresh database").isFalse();
      Migrations.migrate(config(db).db());
      assertThat(AppliedMigrations.upToDate(c, Migrations.SLICES)).isTrue();
      assertThat(Migrations.migrate(config(db).db()).executed()).isZero();
    } finally {
      TestDatabase.drop(db);
    }
  }

  @Test
  void a_pending_migration_is_not_up_to_date() throws Exception {
    onMigratedDatabase((db, c) -> {
      // as if this build brought the payments slice's last migration: the history does not have it yet
      try (var st = c.createStatement()) {
        st.execute("DELETE FROM payments.flyway_schema_history WHERE installed_rank = "
            + "(SELECT max(installed_rank) FROM payments.flyway_schema_history)");
      }
      assertThat(AppliedMigrations.upToDate(c, Migrations.SLICES)).isFalse();
    });
  }

  @Test
  void a_changed_script_is_still_refused_by_flyway_validation() throws Exception {
    onMigratedDatabase((db, c) -> {
      try (var st = c.createStatement()) {
        st.execute("UPDATE users.flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
      }
      assertThat(AppliedMigrations.upToDate(c, Migrations.SLICES)).isFalse();
      assertThatThrownBy(() -> Migrations.migrate(config(db).db())).isInstanceOf(FlywayException.class)
          .hasMessageContaining("checksum");
    });
  }

  @Test
  void a_failed_migration_in_the_history_is_not_up_to_date() throws Exception {
    onMigratedDatabase((db, c) -> {
      try (var st = c.createStatement()) {
        st.execute("UPDATE jobs.flyway_schema_history SET success = false WHERE version = '1'");
      }
      assertThat(AppliedMigrations.upToDate(c, Migrations.SLICES)).isFalse();
    });
  }

  @Test
  void the_scripts_of_each_slice_are_listed_from_a_jar_in_version_order(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("slices.jar");
    try (var out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (String folder : new String[] {"db/", "db/migration/", "db/migration/one/", "db/migration/one/nested/",
          "db/migration/two/"}) {
        out.putNextEntry(new JarEntry(folder));  // as Maven writes them: getResource finds a folder by its entry
        out.closeEntry();
      }
      for (String[] e : new String[][] {{"db/migration/one/V10__later_one.sql", "SELECT 10;\n"},
          {"db/migration/one/V2__second.sql", "SELECT 2;\n"}, {"db/migration/two/V1__init.sql", "SELECT 1;\r\n"},
          {"db/migration/one/nested/V3__not_this_slice.sql", "SELECT 3;\n"}, {"com/example/Other.txt", "x"}}) {
        out.putNextEntry(new JarEntry(e[0]));
        out.write(e[1].getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    try (var loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      var one = AppliedMigrations.scripts(loader, "one").orElseThrow();
      assertThat(one).extracting(AppliedMigrations.Script::name).containsExactly("V2__second.sql", "V10__later_one.sql");
      assertThat(one).extracting(AppliedMigrations.Script::description).containsExactly("second", "later one");
      assertThat(one.get(0).checksum()).isEqualTo(AppliedMigrations.checksum("SELECT 2;"));
      var two = AppliedMigrations.scripts(loader, "two").orElseThrow();
      assertThat(two).extracting(AppliedMigrations.Script::version).containsExactly("1");
      assertThat(two.get(0).checksum()).as("line ends do not count").isEqualTo(AppliedMigrations.checksum("SELECT 1;"));
      assertThat(AppliedMigrations.scripts(loader, "three")).as("no such folder").isEmpty();
    }
  }

  /** {@code test} on a fresh database migrated by this build (its URL and a connection), dropped afterwards. */
  private static void onMigratedDatabase(MigratedDatabaseTest test) throws Exception {
    String db = TestDatabase.fresh();
    try (Connection c = TestDatabase.jdbc(db)) {
      Migrations.migrate(config(db).db());
      test.run(db, c);
    } finally {
      TestDatabase.drop(db);
    }
  }

  @FunctionalInterface
  private interface MigratedDatabaseTest {
    void run(String db, Connection c) throws Exception;
  }

  private static AppConfig config(String db) {
    return TestApp.config(TestApp.settings(Map.of("db.url", db)));
  }
}
