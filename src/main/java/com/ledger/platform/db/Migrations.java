package com.ledger.platform.db;

import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.config.ConfigException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway, one slice at a time: each slice is its own PostgreSQL schema with its own history table, migrated in
 * the order that lets later slices declare foreign keys into earlier ones. Blocking: call it off the event loop.
 */
public final class Migrations {
  public static final List<String> SLICES = List.of("users", "auth", "banksync", "payments", "jobs");
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public record Result(int executed, List<String> versions) {}

  public static Result migrate(DbConfig cfg) {
    var o = Pools.connectOptions(cfg);
    if (cfg.createDatabase()) createDatabaseIfMissing(cfg);
    checkReachable(cfg);
    int executed = 0;
    List<String> versions = new ArrayList<>();
    for (String slice : SLICES) {
      MigrateResult r = Flyway.configure()
          .dataSource(Pools.jdbcUrl(o), o.getUser(), o.getPassword())
          .schemas(slice)
          .createSchemas(true)
          .locations("classpath:db/migration/" + slice)
          .table("flyway_schema_history")
          .connectRetries(0)
          .load()
          .migrate();
      executed += r.migrationsExecuted;
      versions.add(slice + "@" + r.targetSchemaVersion);
      LOG.atInfo().addKeyValue("slice", slice).addKeyValue("executed", r.migrationsExecuted)
          .addKeyValue("version", r.targetSchemaVersion).log("migrations applied");
    }
    return new Result(executed, versions);
  }

  /** Fail fast, naming the key, when the database cannot be reached. */
  static void checkReachable(DbConfig cfg) {
    var o = Pools.connectOptions(cfg);
    try (Connection c = connect(Pools.jdbcUrl(o), o.getUser(), o.getPassword(), cfg.connectTimeoutMs())) {
      c.isValid(2);
    } catch (SQLException e) {
      throw new ConfigException("db.url", "database unreachable at " + o.getHost() + ":" + o.getPort() + "/"
          + o.getDatabase() + " (" + firstLine(e.getMessage()) + ")");
    }
  }

  /** Dev convenience: connect to the maintenance database and create the configured one when missing. */
  static void createDatabaseIfMissing(DbConfig cfg) {
    var o = Pools.connectOptions(cfg);
    String db = o.getDatabase();
    if (!db.matches("[A-Za-z0-9_]{1,63}")) return;  // never build DDL from an odd name
    String admin = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/postgres";
    try (Connection c = connect(admin, o.getUser(), o.getPassword(), cfg.connectTimeoutMs());
         var ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      ps.setString(1, db);
      try (var rs = ps.executeQuery()) {
        if (rs.next()) return;
      }
      try (var st = c.createStatement()) {
        st.execute("CREATE DATABASE \"" + db + "\"");
        LOG.atInfo().addKeyValue("database", db).log("database created");
      } catch (PSQLException e) {
        if (!"42P04".equals(e.getSQLState())) throw e;  // created concurrently by another node
      }
    } catch (SQLException e) {
      throw new ConfigException("db.url", "database unreachable at " + o.getHost() + ":" + o.getPort()
          + " (" + firstLine(e.getMessage()) + ")");
    }
  }

  private static Connection connect(String url, String user, String password, int timeoutMs) throws SQLException {
    Properties p = new Properties();
    if (user != null) p.setProperty("user", user);
    if (password != null) p.setProperty("password", password);
    p.setProperty("connectTimeout", String.valueOf(Math.max(1, timeoutMs / 1000)));
    p.setProperty("loginTimeout", String.valueOf(Math.max(1, timeoutMs / 1000)));
    return DriverManager.getConnection(url, p);
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
