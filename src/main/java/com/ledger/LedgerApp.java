package com.ledger;

import com.ledger.http.ContractLoader;
import com.ledger.http.HttpVerticle;
import com.ledger.http.RateLimiter;
import com.ledger.platform.ClusterSetup;
import com.ledger.platform.bus.BusCodecs;
import com.ledger.platform.config.AppConfig;
import com.ledger.platform.db.DatabaseChoice;
import com.ledger.platform.db.DemoSeed;
import com.ledger.platform.db.Migrations;
import com.ledger.platform.observability.NodeState;
import com.ledger.platform.security.PasswordHasher;
import com.ledger.platform.security.Secrets;
import com.ledger.platform.config.SandboxConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node: the configuration checked ({@link BootCheck}), the database chosen (an embedded one in dev when none is
 * there), Vert.x (clustered when configured) started while Flyway migrates, then demo data, then the verticles the
 * node's roles name. A failure anywhere stops what was started. Used by {@link Main} and by tests (random ports, fresh
 * database).
 */
public final class LedgerApp {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerApp.class);
  private static final int CLOSE_TIMEOUT_SECONDS = 10;

  private final AppConfig cfg;
  private final Vertx vertx;
  private final NodeState node;
  private final DatabaseChoice database;
  private final long startMs;
  private final String httpDeployment;

  private LedgerApp(AppConfig cfg, Vertx vertx, NodeState node, DatabaseChoice database, List<String> deployments,
      long startMs) {
    this.cfg = cfg;
    this.vertx = vertx;
    this.node = node;
    this.database = database;
    this.startMs = startMs;
    this.httpDeployment = cfg.hasRole("http") ? deployments.get(deployments.size() - 1) : null;
  }

  public AppConfig config() {
    return cfg;
  }

  public Vertx vertx() {
    return vertx;
  }

  public NodeState node() {
    return node;
  }

  /** The database this node uses (the embedded one, if any). */
  public DatabaseChoice database() {
    return database;
  }

  /** How long {@link #start} took. */
  public long startMs() {
    return startMs;
  }

  /**
   * Start a node; blocks the calling (non event-loop) thread until every verticle is deployed. A bad configuration
   * (including a port in use) throws {@link com.ledger.platform.config.ConfigException} before anything starts; any
   * other failure stops whatever had started (verticles, cluster membership, embedded database) and is rethrown.
   */
  public static LedgerApp start(AppConfig cfg) {
    long t0 = System.nanoTime();
    BootCheck.run(cfg);
    DatabaseChoice database = DatabaseChoice.resolve(cfg);
    try {
      return start(cfg.withDb(database.db()), database, t0);
    } catch (Throwable e) {  // Future.await() rethrows checked causes (a BindException) unchecked
      database.close();
      throw e;
    }
  }

  private static LedgerApp start(AppConfig cfg, DatabaseChoice database, long t0) {
    // Flyway (blocking JDBC, most of the time to ready on a fresh database) runs on its own threads while Vert.x
    // starts and the contract is parsed.
    CompletableFuture<Migrations.Result> migration = CompletableFuture.supplyAsync(() -> Migrations.migrate(cfg.db()),
        r -> Thread.ofPlatform().name("ledger-migrations").daemon().start(r));
    try {
      return start(cfg, database, t0, migration);
    } finally {
      settled(migration);  // a failed start leaves no migration running
    }
  }

  private static LedgerApp start(AppConfig cfg, DatabaseChoice database, long t0,
      CompletableFuture<Migrations.Result> migration) {
    String registry = "ledger-" + cfg.nodeName() + "-" + System.identityHashCode(cfg);
    HazelcastClusterManager cm = cfg.cluster().enabled() ? ClusterSetup.manager(cfg.cluster()) : null;
    // Vert.x's own per-request HTTP server meters are off: the edge records http_server_requests itself (Metrics),
    // and the Vert.x ones cost a meter lookup with tags on every request.
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
        .setJvmMetricsEnabled(true).setRegistryName(registry)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    VertxBuilder builder = Vertx.builder();
    Future<Vertx> vertxFuture;
    if (cm != null) {
      var c = cfg.cluster();
      options.setEventBusOptions(new EventBusOptions().setHost(ClusterSetup.resolve("cluster.host", c.host()))
          .setPort(c.eventBusPort()).setClusterPublicHost(ClusterSetup.resolve("cluster.public_host", c.publicHost())));
      vertxFuture = builder.with(options).withClusterManager(cm).buildClustered();
    } else {
      vertxFuture = Future.succeededFuture(builder.with(options).build());
    }
    // The contract is parsed as soon as Vert.x is up, while Flyway runs.
    Future<ContractLoader.Loaded> contract = vertxFuture.compose(v -> cfg.hasRole("http")
        ? ContractLoader.load(v, cfg.http().contract()) : Future.succeededFuture());
    Migrations.Result migrated;
    try {
      migrated = settled(migration).join();
    } catch (CompletionException e) {
      vertxFuture.onSuccess(Vertx::close);
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    Vertx vertx = vertxFuture.await();
    BusCodecs.register(vertx);
    NodeState node = new NodeState(cfg.nodeName(), cfg.version(), registry, cm);
    node.markMigrated();
    com.ledger.platform.observability.Invariants.listen(vertx, node).await();
    try {
      PasswordHasher hasher = new PasswordHasher(Secrets.passwordParams(cfg), cfg.auth().hashThreads());
      if (cfg.seedDemoData()) new DemoSeed(cfg, hasher, Secrets.bankTokenCipher(cfg)).run();
      List<String> ids = deploy(vertx, cfg, node, hasher, contract);
      node.markDeployed();
      long startMs = (System.nanoTime() - t0) / 1_000_000;
      LOG.atInfo().addKeyValue("node", cfg.nodeName()).addKeyValue("roles", cfg.roles())
          .addKeyValue("migrationsExecuted", migrated.executed()).addKeyValue("clustered", cm != null)
          .addKeyValue("port", cfg.http().port()).addKeyValue("startMs", startMs).log("node started");
      return new LedgerApp(cfg, vertx, node, database, ids, startMs);
    } catch (Throwable e) {
      closeQuietly(vertx);
      throw e;
    }
  }

  /** Waits until the migration has finished, either way. */
  private static <T> CompletableFuture<T> settled(CompletableFuture<T> migration) {
    try {
      migration.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      // its outcome is read by the caller
    }
    return migration;
  }

  /** Undeploys everything and leaves the cluster, bounded so that a failed start still exits within seconds. */
  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Throwable e) {
      LOG.atWarn().addKeyValue("error", String.valueOf(e)).log("Vert.x did not close cleanly");
    }
  }

  /**
   * The domain verticles together and, once the contract is parsed, the HTTP verticles: they build their routers while
   * the domain verticles deploy, and listen once those have registered their consumers and lanes.
   */
  private static List<String> deploy(Vertx vertx, AppConfig cfg, NodeState node, PasswordHasher hasher,
      Future<ContractLoader.Loaded> contract) {
    List<Future<String>> domain = new ArrayList<>();
    for (Verticles.Spec spec : Verticles.forNode(cfg, node, hasher)) {
      Future<String> deployed = deploy(vertx, spec.factory(), spec.instances());
      if (spec.role().equals("sandbox-bank")) {
        SandboxConfig sandbox = cfg.sandbox();
        deployed = deployed.recover(e -> bindFailure(e, "sandbox_bank.port", sandbox.host(), sandbox.port()));
      }
      if (spec.role().equals("management")) {
        deployed = deployed.recover(e -> bindFailure(e, "management.port", cfg.http().host(),
            cfg.managementPort()));
      }
      domain.add(deployed);
    }
    Future<?> domainDeployed = Future.all(domain);
    Future<String> http = null;
    if (cfg.hasRole("http")) {
      RateLimiter limiter = new RateLimiter(cfg.http().rateLimitMax(), cfg.http().rateLimitWindowMs());
      ContractLoader.Loaded loaded = contract.await();
      vertx.setPeriodic(cfg.http().rateLimitWindowMs(), id -> limiter.evictIdle(System.currentTimeMillis()));
      http = deploy(vertx, () -> new HttpVerticle(cfg, node, limiter, loaded, domainDeployed), cfg.http().instances())
          .recover(e -> bindFailure(e, "http.port", cfg.http().host(), cfg.http().port()));
    }
    domainDeployed.await();  // a domain verticle's failure first: the HTTP verticles then fail with it
    List<String> ids = new ArrayList<>(domain.stream().map(Future::result).toList());
    if (http != null) ids.add(http.await());
    return ids;
  }

  private static Future<String> deploy(Vertx vertx, Supplier<io.vertx.core.Deployable> factory, int instances) {
    return vertx.deployVerticle(factory, new DeploymentOptions().setInstances(instances));
  }

  /** A listener that could not bind (taken since {@link BootCheck} looked) fails as one line naming its key. */
  private static Future<String> bindFailure(Throwable e, String key, String host, int port) {
    Throwable cause = e;
    while (cause != null && !(cause instanceof java.net.BindException)) cause = cause.getCause();
    return Future.failedFuture(cause == null ? e : BootCheck.cannotListen(key, host, port, cause));
  }

  /**
   * Graceful stop: the HTTP verticles go first (stop accepting, drain in-flight requests while the domain
   * verticles still answer), then everything else (workers stop claiming, pools close), then the cluster is left.
   */
  public void close() {
    try {
      if (httpDeployment != null) {
        try {
          vertx.undeploy(httpDeployment).await();
        } catch (RuntimeException e) {
          LOG.atWarn().setCause(e).log("HTTP undeploy failed");
        }
      }
      vertx.close().await();
    } finally {
      database.close();  // after the pools
    }
  }
}
