package com.ledger.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ledger.platform.config.ConfigException;
import com.ledger.platform.config.Toggle;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded dev database. PostgreSQL refuses to run as root, so which half runs depends on the user the tests run
 * as: as root, the one-line refusal; otherwise a real server whose data survives a restart.
 */
class EmbeddedDatabaseTest {

  @Test
  void auto_embeds_only_in_dev_with_the_default_url_and_nothing_answering() {
    assertThat(DatabaseChoice.embeds(Toggle.AUTO, true, true, () -> true)).isTrue();
    assertThat(DatabaseChoice.embeds(Toggle.AUTO, true, true, () -> false)).as("a PostgreSQL answers").isFalse();
    assertThat(DatabaseChoice.embeds(Toggle.AUTO, true, false, () -> true)).as("db.url set").isFalse();
    assertThat(DatabaseChoice.embeds(Toggle.AUTO, false, true, () -> true)).as("not dev").isFalse();
    assertThat(DatabaseChoice.embeds(Toggle.TRUE, false, false, () -> false)).isTrue();
    assertThat(DatabaseChoice.embeds(Toggle.FALSE, true, true, () -> true)).isFalse();
  }

  @Test
  void the_shown_url_has_no_password() {
    var db = new com.ledger.platform.config.AppConfig.DbConfig("postgresql://ledger:s3cr%40t@db:5432/ledgerbank", 1,
        false, 1000, Toggle.FALSE, "data/postgres");
    assertThat(new DatabaseChoice(db, null).displayUrl()).isEqualTo("postgresql://ledger@db:5432/ledgerbank");
    var query = new com.ledger.platform.config.AppConfig.DbConfig("postgresql://db/x?user=u&password=p&sslmode=disable",
        1, false, 1000, Toggle.FALSE, "d");
    assertThat(new DatabaseChoice(query, null).displayUrl()).isEqualTo("postgresql://db/x?user=u&sslmode=disable");
  }

  @Test
  void runs_as_a_regular_user_and_keeps_its_data_across_restarts_or_refuses_root_in_one_line(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("pg");
    if (EmbeddedDatabase.runningAsRoot()) {
      assertThatThrownBy(() -> EmbeddedDatabase.start(data, 0)).isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("db.embedded (LEDGER_DB_EMBEDDED): PostgreSQL refuses to run as root")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
      return;
    }
    String url;
    try (EmbeddedDatabase pg = EmbeddedDatabase.start(data, 0)) {
      assertThat(Integer.parseInt(pg.version().split("\\.")[0])).isGreaterThanOrEqualTo(15);
      url = pg.url("newcomer_test");
      try (Connection c = jdbc(pg.port()); var st = c.createStatement()) {
        st.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before the restart')");
      }
    }
    try (EmbeddedDatabase pg = EmbeddedDatabase.start(data, 0); Connection c = jdbc(pg.port());
         var st = c.createStatement(); var rs = st.executeQuery("SELECT v FROM kept")) {
      assertThat(url).startsWith("postgresql://postgres@127.0.0.1:");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("before the restart");
    }
  }

  private static Connection jdbc(int port) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/newcomer_test", "postgres", "");
  }
}
