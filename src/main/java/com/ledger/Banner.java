package com.ledger;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.db.DatabaseChoice;
import com.ledger.platform.db.DemoSeed;
import com.ledger.platform.config.SandboxConfig;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The one "ready" message: where the API, docs, health, metrics and sandbox bank are, what the node runs, which
 * database it uses and (dev) how to log in. Text logs get an aligned block; JSON logs one event with the same fields.
 */
final class Banner {
  private Banner() {}

  /** The rows, in order: label → value. */
  static Map<String, String> rows(LedgerApp app) {
    AppConfig cfg = app.config();
    Map<String, String> rows = new LinkedHashMap<>();
    if (cfg.hasRole("http")) {
      String base = "http://" + shown(cfg.http().host()) + ":" + cfg.http().port();
      rows.put("api", base + "/api");
      rows.put("docs", base + "/api/docs");
      rows.put("health", base + "/api/health/ready");
      rows.put("metrics", base + "/api/metrics");
    }
    if (Verticles.runsSandbox(cfg)) {
      SandboxConfig s = cfg.sandbox();
      rows.put("sandbox", "http://" + shown(s.host()) + ":" + s.port()
          + (s.adminEndpoints() ? " (admin: /sandbox/admin)" : ""));
    }
    rows.put("roles", String.join(",", new TreeSet<>(cfg.roles())));
    rows.put("cluster", cluster(app));
    DatabaseChoice db = app.database();
    rows.put("database", db.embedded() == null ? db.displayUrl()
        : db.displayUrl() + " (embedded PostgreSQL " + db.embedded().version() + ", data in " + db.embedded().dataDir() + ")");
    if (cfg.isDev() && cfg.seedDemoData()) {
      rows.put("logins", DemoSeed.USERS.stream().map(u -> u.email() + " / " + u.password())
          .collect(Collectors.joining(", ")));
    }
    return rows;
  }

  static String text(LedgerApp app) {
    AppConfig cfg = app.config();
    StringBuilder b = new StringBuilder("LedgerBank ").append(cfg.version()).append(" ready in ")
        .append(String.format(java.util.Locale.ROOT, "%.1f", app.startMs() / 1000.0)).append(" s (node ")
        .append(cfg.nodeName()).append(", env ").append(cfg.env()).append(')');
    rows(app).forEach((label, value) -> b.append("\n  ").append(String.format("%-10s", label)).append(value));
    b.append("\n  ").append(String.format("%-10s", "stop")).append("Ctrl+C or SIGTERM");
    return b.toString();
  }

  static void log(Logger log, LedgerApp app) {
    if (!app.config().log().json()) {
      log.info(text(app));
      return;
    }
    LoggingEventBuilder e = log.atLevel(Level.INFO).addKeyValue("version", app.config().version())
        .addKeyValue("node", app.config().nodeName()).addKeyValue("startMs", app.startMs());
    for (Map.Entry<String, String> row : rows(app).entrySet()) e = e.addKeyValue(row.getKey(), row.getValue());
    e.log("ready");
  }

  private static String cluster(LedgerApp app) {
    if (!(app.node().clusterManager instanceof HazelcastClusterManager hz)) return "off (single node)";
    var members = hz.getHazelcastInstance().getCluster().getMembers();
    return app.config().cluster().name() + ": " + members.size() + " member(s) "
        + members.stream().map(m -> m.getAddress().getHost() + ":" + m.getAddress().getPort())
            .collect(Collectors.joining(", "));
  }

  /** A wildcard listener is reached on loopback from this machine. */
  private static String shown(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.isBlank() ? "127.0.0.1" : host;
  }
}
