package com.ledger.platform.db;

import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.config.ConfigException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway, per slice: each slice is its own PostgreSQL schema with its own history table. A slice migrates once the
 * slices it depends on ({@link #AFTER}: those its migrations reference, e.g. by a foreign key) have, and independent
 * slices migrate concurrently, each on its own connection (at start-up this is most of the time to ready on a fresh
 * database). Flyway is not started when it has nothing to do that plain JDBC cannot: on a restart with nothing to
 * migrate ({@link AppliedMigrations}: every history already holds exactly this build's scripts, checksums included),
 * and for a slice whose schema does not exist yet ({@link FreshSlice}: its scripts and the history Flyway would have
 * written, in one transaction). Blocking: call it off the event loop.
 */
public final class Migrations {
  public static final List<String> SLICES = List.of("users", "auth", "banksync", "payments", "jobs");
  /**
   * The slices each slice's migrations may reference (foreign keys, SQL-language function bodies): it migrates after
   * them. {@code MigrationOrderTest} checks every cross-schema reference in the migrations against this.
   */
  public static final Map<String, List<String>> AFTER = Map.of(
      "users", List.of(),
      "auth", List.of("users"),
      "banksync", List.of("users"),
      "payments", List.of("users", "banksync"),
      "jobs", List.of("users"));
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public record Result(int executed, List<String> versions) {}

  public static Result migrate(DbConfig cfg) {
    return migrate(cfg, true);
  }

  /** {@code freshSchemas}: a slice whose schema does not exist yet is migrated by {@link FreshSlice}, not Flyway. */
  static Result migrate(DbConfig cfg, boolean freshSchemas) {
    var o = Pools.connectOptions(cfg);
    if (cfg.createDatabase()) createDatabaseIfMissing(cfg);
    checkReachable(cfg);
    String url = Pools.jdbcUrl(o);
    try (Connection c = connect(url, o.getUser(), o.getPassword(), cfg.connectTimeoutMs())) {
      if (AppliedMigrations.upToDate(c, SLICES)) {  // a restart: nothing to migrate, Flyway's set-up skipped
        LOG.atInfo().addKeyValue("slices", SLICES.size()).log("migrations up to date");
        return new Result(0, SLICES.stream().map(s -> s + "@current").toList());
      }
    } catch (SQLException e) {
      // reachable a moment ago: Flyway reports whatever this is
    }
    Map<String, CompletableFuture<SliceResult>> done = new HashMap<>();
    ExecutorService threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "ledger-migrations");
      t.setDaemon(true);
      return t;
    });
    try {
      for (String slice : SLICES) {  // every slice after those it depends on: SLICES lists them first
        CompletableFuture<?>[] before = AFTER.get(slice).stream().map(done::get).toArray(CompletableFuture[]::new);
        done.put(slice, CompletableFuture.allOf(before)
            .thenApplyAsync(x -> migrate(slice, url, o.getUser(), o.getPassword(), cfg.connectTimeoutMs(),
                freshSchemas), threads));
      }
      // every slice settles (none left running DDL) before a failure is reported
      CompletableFuture.allOf(done.values().stream().map(f -> f.handle((r, e) -> null))
          .toArray(CompletableFuture[]::new)).join();
    } finally {
      threads.shutdown();
    }
    int executed = 0;
    List<String> versions = new ArrayList<>();
    for (String slice : SLICES) {
      SliceResult r = result(done.get(slice));
      executed += r.executed();
      versions.add(slice + "@" + r.version());
    }
    return new Result(executed, versions);
  }

  /** One slice: {@link FreshSlice} when its schema does not exist yet, otherwise (or when that declines) Flyway. */
  static SliceResult migrate(String slice, String url, String user, String password, int timeoutMs,
      boolean freshSchemas) {
    if (freshSchemas) {
      try (Connection c = connect(url, user, password, timeoutMs)) {
        var fresh = FreshSlice.apply(c, slice);
        if (fresh.isPresent()) {
          LOG.atInfo().addKeyValue("slice", slice).addKeyValue("executed", fresh.get().executed())
              .addKeyValue("version", fresh.get().version()).addKeyValue("path", "fresh schema")
              .log("migrations applied");
          return fresh.get();
        }
      } catch (SQLException e) {  // rolled back; Flyway runs the same scripts and reports the failure its way
        LOG.atWarn().addKeyValue("slice", slice).addKeyValue("error", firstLine(e.getMessage()))
            .log("first migration of a fresh schema failed; Flyway retries it");
      }
    }
    MigrateResult r = Flyway.configure()
        .dataSource(url, user, password)
        .schemas(slice)
        .createSchemas(true)
        .locations("classpath:db/migration/" + slice)
        .table("flyway_schema_history")
        .connectRetries(0)
        .load()
        .migrate();
    LOG.atInfo().addKeyValue("slice", slice).addKeyValue("executed", r.migrationsExecuted)
        .addKeyValue("version", r.targetSchemaVersion).log("migrations applied");
    return new SliceResult(r.migrationsExecuted, r.targetSchemaVersion);
  }

  /** What a slice's migration ran: how many scripts, and the version it is at. */
  record SliceResult(int executed, String version) {}

  /** A slice's result, or its own failure (not the "a slice it depends on failed" wrapper) rethrown as it was. */
  private static SliceResult result(CompletableFuture<SliceResult> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e;
      while (cause instanceof CompletionException && cause.getCause() != null) cause = cause.getCause();
      if (cause instanceof RuntimeException r) throw r;
      if (cause instanceof Error err) throw err;
      throw e;
    }
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
