package com.ledger;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.ConfigException;
import com.ledger.platform.config.ConfigLoader;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar ledgerbank.jar [--conf FILE]}: config (jar defaults ← file ← LEDGER_* env) → migrations →
 * Vert.x (clustered when configured) → the verticles of this node's roles. SIGTERM stops it gracefully.
 * A bad configuration exits with status 2 and one line naming the key.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    AppConfig cfg;
    LedgerApp app;
    try {
      cfg = AppConfig.from(ConfigLoader.load(confArg(args), System.getenv()));
      app = LedgerApp.start(cfg);
    } catch (ConfigException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      System.err.println("startup failed: " + e.getMessage());
      LOG.atError().setCause(e).log("startup failed");
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down");
      app.close();
      LOG.info("stopped");
    }, "ledger-shutdown"));
  }

  static Path confArg(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--conf")) {
        if (i + 1 >= args.length) throw new ConfigException("conf", "--conf needs a file");
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith("--conf=")) return Path.of(args[i].substring("--conf=".length()));
    }
    return null;
  }
}
