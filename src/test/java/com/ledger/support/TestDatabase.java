package com.ledger.support;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.db.EmbeddedDatabase;
import com.ledger.platform.db.Migrations;
import com.ledger.platform.db.Pools;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * A fresh PostgreSQL database per test class. Where the server comes from, in order: {@code LEDGER_TEST_DB_URL}
 * (postgresql://user:pass@host:port/db), PostgreSQL on localhost:5432 (user postgres), an embedded PostgreSQL
 * (not as root; a temporary directory), Testcontainers when Docker is available; otherwise one clear failure.
 */
public final class TestDatabase {
  private static volatile Server server;

  private record Server(String host, int port, String user, String password) {
    String url(String db) {
      String auth = password == null || password.isEmpty() ? user : user + ":" + password;
      return "postgresql://" + auth + "@" + host + ":" + port + "/" + db;
    }

    String jdbc(String db) {
      return "jdbc:postgresql://" + host + ":" + port + "/" + db;
    }
  }

  private TestDatabase() {}

  /** Create an empty database and return its postgresql:// URL. */
  public static String fresh() {
    Server s = server();
    String name = "ledger_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(s.jdbc("postgres"), s.user(), s.password());
         var st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database: " + e.getMessage(), e);
    }
    return s.url(name);
  }

  /** Drop a database made by {@link #fresh()} (connections are terminated first). */
  public static void drop(String url) {
    Server s = server();
    String name = url.substring(url.lastIndexOf('/') + 1);
    if (!name.startsWith("ledger_t_")) return;
    try (Connection c = DriverManager.getConnection(s.jdbc("postgres"), s.user(), s.password());
         var st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      // best effort: a leftover test database is harmless
    }
  }

  /**
   * An upgrade's starting point: every slice's migrations on the database of {@code cfg}, those of {@code slice} only
   * up to {@code version} (Flyway, as before the fresh-schema path existed). {@link Migrations#migrate} then runs the
   * rest as a node's start would.
   */
  private static void migrateUpTo(AppConfig cfg, String slice, String version) {
    var o = Pools.connectOptions(cfg.db());
    for (String s : Migrations.SLICES) {
      FluentConfiguration f = Flyway.configure().dataSource(Pools.jdbcUrl(o), o.getUser(), o.getPassword())
          .schemas(s).createSchemas(true).locations("classpath:db/migration/" + s).table("flyway_schema_history");
      if (s.equals(slice)) f = f.target(version);
      f.load().migrate();
    }
  }

  /** An upgrade test's body: the database's URL and a node's config for it. */
  @FunctionalInterface
  public interface Upgrade {
    void run(String url, AppConfig cfg) throws Exception;
  }

  /**
   * An upgrade test on a database of its own: fresh, at {@link #migrateUpTo}'s starting point ({@code slice} up to
   * {@code version}), handed to {@code test}, and dropped afterwards whatever happened.
   */
  public static void upgradeFrom(String slice, String version, Upgrade test) throws Exception {
    String url = fresh();
    try {
      AppConfig cfg = TestApp.config(TestApp.settings(Map.of("db.url", url)));
      migrateUpTo(cfg, slice, version);
      test.run(url, cfg);
    } finally {
      drop(url);
    }
  }

  /** The first column of every row {@code sql} answers on the database at {@code url}, as strings. */
  public static List<String> strings(String url, String sql) throws SQLException {
    try (Connection c = jdbc(url); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      while (rs.next()) out.add(rs.getString(1));
      return out;
    }
  }

  /** A JDBC connection to the database at {@code url} (for assertions straight on the tables). */
  public static Connection jdbc(String url) throws SQLException {
    Server s = server();
    return DriverManager.getConnection(s.jdbc(url.substring(url.lastIndexOf('/') + 1)), s.user(), s.password());
  }

  private static Server server() {
    Server s = server;
    if (s != null) return s;
    synchronized (TestDatabase.class) {
      if (server == null) server = locate();
      return server;
    }
  }

  private static Server locate() {
    String env = System.getenv("LEDGER_TEST_DB_URL");
    if (env != null && !env.isBlank()) {
      var o = io.vertx.pgclient.PgConnectOptions.fromUri(env);
      return new Server(o.getHost(), o.getPort(), o.getUser(), o.getPassword());
    }
    Server local = new Server("127.0.0.1", 5432, "postgres", "");
    try (Connection c = DriverManager.getConnection(local.jdbc("postgres"), local.user(), local.password())) {
      return local;
    } catch (SQLException e) {
      // fall through to an embedded server
    }
    String embedded;
    if (EmbeddedDatabase.runningAsRoot()) {
      embedded = "not as root";
    } else {
      try {
        EmbeddedDatabase pg = EmbeddedDatabase.startTemporary();  // stopped and deleted when the JVM exits
        return new Server("127.0.0.1", pg.port(), "postgres", "");
      } catch (RuntimeException e) {
        embedded = e.getMessage();
      }
    }
    try {
      if (org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
        var pg = new org.testcontainers.containers.PostgreSQLContainer<>("postgres:16-alpine");
        pg.start();
        return new Server(pg.getHost(), pg.getMappedPort(5432), pg.getUsername(), pg.getPassword());
      }
    } catch (RuntimeException | LinkageError e) {
      // no Docker either
    }
    throw new IllegalStateException("No PostgreSQL for the tests: nothing answers on localhost:5432, the embedded one did "
        + "not start (" + embedded + ") and Docker is not there for Testcontainers; set "
        + "LEDGER_TEST_DB_URL=postgresql://user:pass@host:port/db or run PostgreSQL on localhost:5432 (user postgres).");
  }
}
