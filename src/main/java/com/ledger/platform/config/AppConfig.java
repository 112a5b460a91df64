package com.ledger.platform.config;

import com.ledger.platform.jobs.JobsConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * The whole configuration, parsed and validated once at boot into one record per slice (a bad value anywhere stops the
 * node with one line naming its key). The composition root hands each verticle only the slices it uses.
 *
 * @param managementPort {@code management.port}: the health and metrics listener of a node without the API role
 *                       (0: any free port)
 */
public record AppConfig(
    String env,
    String version,
    String nodeName,
    Set<String> roles,
    HttpConfig http,
    DbConfig db,
    JwtConfig jwt,
    ClusterConfig cluster,
    boolean seedDemoData,
    LogConfig log,
    int managementPort,
    JobsConfig jobs,
    JobsOverviewConfig jobsOverview,
    PaymentsConfig payments,
    SandboxConfig sandbox,
    BankConfig bank,
    SyncSettings banksync,
    AuthConfig auth,
    WebhooksConfig webhooks) {

  public static final Set<String> KNOWN_ROLES = Set.of("all", "http", "auth", "users", "payments", "payment-worker",
      "banksync", "banksync-worker", "sandbox-bank");

  /** The dev-only JWT secret; refused outside {@code app.env: dev}. */
  static final String DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-change-me-0123456789abcdef0123456789abcdef";

  public boolean isDev() {
    return "dev".equals(env);
  }

  public boolean isProd() {
    return "prod".equals(env);
  }

  public boolean hasRole(String role) {
    return roles.contains("all") || roles.contains(role);
  }

  public static AppConfig from(JsonObject json) {
    ConfigReader root = ConfigReader.root(json);
    ConfigReader app = root.child("app");
    String env = app.string("env", "dev");
    if (!List.of("dev", "test", "prod").contains(env)) {
      throw new ConfigException("app.env", "must be one of dev, test, prod, got '" + env + "'");
    }
    List<String> roles = root.strings("roles", List.of("all"));
    for (String r : roles) {
      if (!KNOWN_ROLES.contains(r)) throw new ConfigException("roles", "unknown role '" + r + "'; known: " + KNOWN_ROLES);
    }
    if (roles.isEmpty()) throw new ConfigException("roles", "at least one role is required");
    String nodeName = root.child("node").string("name", "");
    if (nodeName.isBlank()) nodeName = defaultNodeName();
    String version = app.string("version", "1.0.0");
    HttpConfig http = HttpConfig.from(root);
    DbConfig db = DbConfig.from(root.child("db"));
    JwtConfig jwt = JwtConfig.from(root.child("jwt"), env);
    ClusterConfig cluster = ClusterConfig.from(root.child("cluster"));
    boolean seed = root.toggle("seed_demo_data", Toggle.AUTO).on(!"prod".equals(env));
    LogConfig log = LogConfig.from(root.child("log"), env);
    // the slices, in the order the boot check parsed them before they moved here (so two bad values report alike)
    JobsConfig jobs = JobsConfig.from(json);
    JobsOverviewConfig overview = JobsOverviewConfig.from(jobs, root.child("jobs"));
    int managementPort = root.child("management").integer("port", 4001, 0, 65535);
    PaymentsConfig payments = PaymentsConfig.from(root.child("payments"));
    boolean prod = "prod".equals(env);
    SandboxConfig sandbox = SandboxConfig.from(root, prod);
    BankConfig bank = BankConfig.from(root.child("bank"));
    SyncSettings banksync = SyncSettings.from(root.child("banksync"));
    AuthConfig auth = AuthConfig.from(root.child("auth"));
    WebhooksConfig webhooks = WebhooksConfig.from(root.child("webhooks"), prod);
    return new AppConfig(env, version, nodeName, Set.copyOf(roles), http, db, jwt, cluster, seed, log, managementPort,
        jobs, overview, payments, sandbox, bank, banksync, auth, webhooks);
  }

  /** The same configuration with another database (the embedded dev database's URL). */
  public AppConfig withDb(DbConfig other) {
    return new AppConfig(env, version, nodeName, roles, http, other, jwt, cluster, seedDemoData, log, managementPort,
        jobs, jobsOverview, payments, sandbox, bank, banksync, auth, webhooks);
  }

  private static String defaultNodeName() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "node";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  public record HttpConfig(String host, int port, int instances, long requestTimeoutMs, int bodyLimitBytes,
      int maxUriBytes, int maxHeaderBytes, boolean trustProxyHeaders, int shutdownGraceSeconds, String contract,
      List<String> allowedOrigins, boolean rateLimitEnabled, int rateLimitMax, long rateLimitWindowMs) {
    static HttpConfig from(ConfigReader root) {
      ConfigReader h = root.child("http");
      ConfigReader rl = root.child("rate_limit");
      return new HttpConfig(h.string("host", "0.0.0.0"), h.integer("port", 4000, 0, 65535),
          h.integer("instances", 2, 1, 64), h.integer("request_timeout_ms", 10000, 100, 600_000),
          h.integer("body_limit_bytes", 1_048_576, 1024, 100 * 1_048_576), h.integer("max_uri_bytes", 2048, 256, 65536),
          h.integer("max_header_bytes", 8192, 1024, 65536), h.bool("trust_proxy_headers", false),
          h.integer("shutdown_grace_seconds", 10, 0, 300), h.string("contract", "openapi.yaml"),
          root.child("cors").strings("allowed_origins", List.of()), rl.bool("enabled", true),
          rl.integer("max_requests", 100, 1, 1_000_000), rl.integer("window_ms", 60_000, 100, 86_400_000));
    }
  }

  /**
   * @param embedded    {@code db.embedded}: run an embedded PostgreSQL — always, never, or (auto) in dev when
   *                    {@code db.url} is left at its default and nothing answers there
   * @param embeddedDir the embedded server's data directory (relative to the working directory)
   */
  public record DbConfig(String url, int poolSize, boolean createDatabase, int connectTimeoutMs, Toggle embedded,
      String embeddedDir) {
    public DbConfig withUrl(String other) {
      return new DbConfig(other, poolSize, createDatabase, connectTimeoutMs, embedded, embeddedDir);
    }

    static DbConfig from(ConfigReader db) {
      String url = db.requireString("url");
      if (!(url.startsWith("postgresql://") || url.startsWith("postgres://"))) {
        throw new ConfigException(db.key("url"), "must look like postgresql://user:pass@host:port/db");
      }
      try {
        io.vertx.pgclient.PgConnectOptions.fromUri(url);
      } catch (RuntimeException e) {
        throw new ConfigException(db.key("url"), "cannot be parsed as postgresql://user:pass@host:port/db");
      }
      String dir = db.string("embedded_dir", "data/postgres");
      if (dir.isBlank()) throw new ConfigException(db.key("embedded_dir"), "must name a directory");
      return new DbConfig(url, db.integer("pool_size", 10, 1, 200), db.bool("create_database", false),
          db.integer("connect_timeout_ms", 5000, 100, 120_000), db.toggle("embedded", Toggle.AUTO), dir);
    }
  }

  public record JwtConfig(String secret, String issuer, String audience, int accessTtlSeconds, int refreshTtlSeconds) {
    public static final int MIN_SECRET_LENGTH = 64;

    static JwtConfig from(ConfigReader jwt, String env) {
      String secret = jwt.string("secret", "");
      if (secret.isEmpty() && "dev".equals(env)) secret = DEV_JWT_SECRET;
      if (secret.length() < MIN_SECRET_LENGTH) {
        throw new ConfigException(jwt.key("secret"), "must be at least " + MIN_SECRET_LENGTH + " characters (it has "
            + secret.length() + ")");
      }
      return new JwtConfig(secret, jwt.string("issuer", "ledger-bank-api"), jwt.string("audience", "ledger-bank-api"),
          jwt.integer("access_ttl_seconds", 900, 1, 86_400), jwt.integer("refresh_ttl_seconds", 604_800, 60, 31_536_000));
    }
  }

  /**
   * @param level  the root log level
   * @param json   JSON lines (machines) rather than text lines (people); {@code log.format: auto} is text in dev only
   */
  public record LogConfig(String level, boolean json) {
    public static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    /** The {@code log} section of a loaded (not yet validated) configuration. */
    public static LogConfig of(JsonObject json) {
      ConfigReader root = ConfigReader.root(json);
      return from(root.child("log"), root.child("app").string("env", "dev"));
    }

    static LogConfig from(ConfigReader log, String env) {
      String level = log.oneOf("level", "info", LEVELS).toUpperCase(java.util.Locale.ROOT);
      String format = log.oneOf("format", "auto", List.of("auto", "text", "json"));
      return new LogConfig(level, format.equals("json") || format.equals("auto") && !"dev".equals(env));
    }
  }

  /**
   * @param queues            the queues named in {@code jobs.queues} (each has gauges from the start)
   * @param staleAfterSeconds {@code jobs.stale_after_seconds}: how long the oldest due job may wait unclaimed before
   *                          the node is degraded
   * @param intervalMs        {@code jobs.overview_interval_ms}: how often the queue gauges are read from PostgreSQL
   */
  public record JobsOverviewConfig(Set<String> queues, int staleAfterSeconds, int intervalMs) {
    static JobsOverviewConfig from(JobsConfig parsed, ConfigReader jobs) {
      return new JobsOverviewConfig(parsed.queues().keySet(), jobs.integer("stale_after_seconds", 60, 1, 86_400),
          jobs.integer("overview_interval_ms", 5000, 100, 600_000));
    }
  }

  public record ClusterConfig(boolean enabled, String name, String host, int port, List<String> members,
      String publicHost, int eventBusPort) {
    static ClusterConfig from(ConfigReader c) {
      String host = c.string("host", "127.0.0.1");
      String pub = c.string("public_host", "");
      return new ClusterConfig(c.bool("enabled", false), c.string("name", "ledgerbank"), host,
          c.integer("port", 5701, 1, 65535), c.strings("members", List.of("127.0.0.1")),
          pub.isBlank() ? host : pub, c.integer("eventbus_port", 0, 0, 65535));
    }
  }
}
