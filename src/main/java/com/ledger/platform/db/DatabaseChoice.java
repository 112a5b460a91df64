package com.ledger.platform.db;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.config.ConfigException;
import com.ledger.platform.config.ConfigLoader;
import com.ledger.platform.config.Toggle;
import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which PostgreSQL this node uses: {@code db.url}, or an embedded one ({@code db.embedded}: {@code true}; or
 * {@code auto} in dev when {@code db.url} is left at its default and nothing answers there). Closing it stops the
 * embedded server, if any.
 *
 * @param db       the database settings to use (the embedded server's URL when embedded)
 * @param embedded the embedded server, or null
 */
public record DatabaseChoice(DbConfig db, EmbeddedDatabase embedded) implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseChoice.class);
  private static final int PROBE_TIMEOUT_MS = 1000;

  public static DatabaseChoice resolve(AppConfig cfg) {
    DbConfig db = cfg.db();
    PgConnectOptions o = PgConnectOptions.fromUri(db.url());
    if (!embeds(db.embedded(), cfg.isDev(), db.url().equals(defaultUrl()), () -> !answers(o.getHost(), o.getPort()))) {
      return new DatabaseChoice(db, null);
    }
    if (db.embedded() == Toggle.AUTO && EmbeddedDatabase.runningAsRoot()) {
      throw new ConfigException("db.url", "nothing answers at " + o.getHost() + ":" + o.getPort() + ", and the embedded "
          + "PostgreSQL cannot run as root: start PostgreSQL there, point db.url at one, or run the service as a regular user");
    }
    long t0 = System.nanoTime();
    EmbeddedDatabase pg = EmbeddedDatabase.start(Path.of(db.embeddedDir()), o.getPort());
    try {
      String url = pg.url(o.getDatabase());
      LOG.atInfo().addKeyValue("version", pg.version()).addKeyValue("url", url).addKeyValue("dataDir", pg.dataDir())
          .addKeyValue("startMs", (System.nanoTime() - t0) / 1_000_000).log("embedded PostgreSQL started");
      return new DatabaseChoice(db.withUrl(url), pg);
    } catch (RuntimeException e) {
      pg.close();
      throw e;
    }
  }

  /** {@code db.embedded}: {@code auto} embeds in dev when {@code db.url} is left at its default and nothing answers. */
  static boolean embeds(Toggle mode, boolean dev, boolean defaultUrl, BooleanSupplier nothingAnswers) {
    return mode == Toggle.AUTO ? dev && defaultUrl && nothingAnswers.getAsBoolean() : mode == Toggle.TRUE;
  }

  /** The packaged default of {@code db.url}: "not set explicitly" means left at this value. */
  static String defaultUrl() {
    return ConfigLoader.defaults().getJsonObject("db").getString("url");
  }

  /** Whether something accepts TCP connections at host:port. */
  static boolean answers(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code db.url} as it may be shown: without its password. */
  public String displayUrl() {
    return db.url().replaceFirst("^(\\w+://[^:/@]+):[^@]*@", "$1@").replaceAll("([?&])password=[^&]*&?", "$1")
        .replaceFirst("[?&]$", "");
  }

  @Override
  public void close() {
    if (embedded != null) embedded.close();
  }
}
