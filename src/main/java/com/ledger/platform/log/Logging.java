package com.ledger.platform.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import com.ledger.platform.config.AppConfig.LogConfig;
import com.ledger.platform.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.net.URL;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code log.format} and {@code log.level} from the configuration: {@code logback.xml} reads them from the
 * system properties {@code ledger.log.format} ({@code TEXT} | {@code JSON}) and {@code ledger.log.level} (a
 * {@code -D} on the command line wins), and is re-read here when they differ from its defaults, since a library may
 * have started logging while the configuration was loaded. Invalid values fall back to the defaults; the config check then names the key.
 */
public final class Logging {
  static final String FORMAT = "ledger.log.format";
  static final String LEVEL = "ledger.log.level";

  private Logging() {}

  public static void configure(JsonObject config) {
    LogConfig log;
    try {
      log = LogConfig.of(config);
    } catch (ConfigException e) {
      log = new LogConfig("INFO", !"dev".equals(config.getJsonObject("app", new JsonObject()).getValue("env")));
    }
    if (System.getProperty(FORMAT) == null) System.setProperty(FORMAT, log.json() ? "JSON" : "TEXT");
    if (System.getProperty(LEVEL) == null) System.setProperty(LEVEL, log.level());
    // logback may have started already (Vert.x's JSON codec logs), with its defaults: re-read only if they differ
    boolean asDefaults = System.getProperty(FORMAT).equals("TEXT")
        && System.getProperty(LEVEL).equalsIgnoreCase(System.getenv().getOrDefault("LEDGER_LOG_LEVEL", "INFO"));
    URL xml = Logging.class.getClassLoader().getResource("logback.xml");
    if (!asDefaults && xml != null && LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.reset();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(ctx);
      try {
        configurator.doConfigure(xml);
      } catch (JoranException e) {
        throw new IllegalStateException("logback.xml: " + e.getMessage(), e);
      }
    }
  }
}
