package com.ledger;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.ConfigException;
import com.ledger.platform.config.ConfigLoader;
import com.ledger.platform.db.EmbeddedDatabase;
import com.ledger.platform.log.Logging;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar ledgerbank.jar [--conf FILE] | --help | --version} (see {@link Cli}): config (jar defaults ← file ←
 * LEDGER_* env) → logging → {@link LedgerApp} → the ready banner. SIGTERM stops it gracefully. Exit status 2 for a
 * bad option or configuration (one line naming the option or key), 1 for any other failed start; a failed start
 * leaves nothing running.
 */
public final class Main {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  /** {@link #run}'s answer when the node is up: the JVM keeps running until SIGTERM. */
  static final int RUNNING = -1;

  private Main() {}

  public static void main(String[] args) {
    int status = run(args, System.getenv());
    if (status != RUNNING) System.exit(status);
  }

  static int run(String[] args, Map<String, String> env) {
    Cli cli;
    try {
      cli = Cli.parse(args);
    } catch (Cli.Invalid e) {
      System.err.println(e.getMessage());
      System.err.print(Cli.usage());
      return USAGE;
    }
    if (cli.help()) {
      System.out.print(Cli.helpText());
      return OK;
    }
    if (cli.version()) {
      System.out.println(Cli.versionText());
      return OK;
    }
    AtomicReference<LedgerApp> node = new AtomicReference<>();
    LedgerApp app;
    try {
      JsonObject json = ConfigLoader.load(cli.conf(), env);
      Logging.configure(json);  // before the first logger: the format and level come from the config
      ConfigLoader.unknownVariables(env).forEach(w -> log().warn(w));
      ConfigLoader.unknownKeys(cli.conf(), env).forEach(w -> log().warn(w));
      AppConfig cfg = AppConfig.from(json);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node.get()), "ledger-shutdown"));
      onSigterm(node);
      app = LedgerApp.start(cfg);
      node.set(app);
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      return USAGE;
    } catch (Throwable e) {  // Future.await() rethrows checked causes unchecked
      System.err.println("startup failed: " + oneLine(e));
      log().atError().setCause(e).log("startup failed");
      return FAILED;
    }
    Banner.log(log(), app);
    return RUNNING;
  }

  private static final java.util.concurrent.atomic.AtomicBoolean STOPPED = new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * SIGTERM / SIGINT: stop gracefully, then exit 0 (a clean stop on request is a success; the JVM's default would be
   * 128 + 15 = 143). A failed stop exits 1. The shutdown hook covers every other way out.
   */
  private static void onSigterm(AtomicReference<LedgerApp> node) {
    sun.misc.SignalHandler handler = sig -> new Thread(() -> {
      int status = OK;
      try {
        stop(node.get());
      } catch (Throwable e) {
        log().atError().setCause(e).log("shutdown failed");
        status = FAILED;
      }
      System.exit(status);
    }, "ledger-sigterm").start();
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), handler);
      } catch (IllegalArgumentException e) {
        // not available on this platform: the shutdown hook still stops the node (exit 143)
      }
    }
  }

  /** SIGTERM / Ctrl+C / exit: a running node stops gracefully; one still starting leaves no database server behind. */
  private static void stop(LedgerApp app) {
    if (!STOPPED.compareAndSet(false, true)) return;
    if (app == null) {
      EmbeddedDatabase.stopAll();
      return;
    }
    log().info("shutting down");
    app.close();
    log().info("stopped");
  }

  /** Obtained lazily: logging is configured from the config file, which is read first. */
  private static Logger log() {
    return LoggerFactory.getLogger(Main.class);
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    return m.lines().findFirst().orElse(m);
  }
}
