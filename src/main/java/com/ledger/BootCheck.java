package com.ledger;

import com.ledger.auth.AuthVerticle;
import com.ledger.banksync.SyncSettings;
import com.ledger.banksync.bank.BankConfig;
import com.ledger.payments.PaymentsConfig;
import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.ConfigException;
import com.ledger.platform.jobs.JobsConfig;
import com.ledger.platform.security.Secrets;
import com.ledger.platform.security.UserCache;
import com.ledger.sandbox.SandboxConfig;
import com.ledger.users.UserVerticle;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Fail fast: before the database, Vert.x or any verticle starts, every slice of the configuration is parsed by the
 * code that will use it (so a bad value anywhere, {@code jobs.*} included, stops the node with one line naming its
 * key and nothing to clean up), and the ports this node will listen on are checked free.
 */
final class BootCheck {
  private BootCheck() {}

  static void run(AppConfig cfg) {
    slices(cfg);
    ports(cfg);
  }

  /** Each context's own parser; {@link AppConfig#from} has already checked the shared keys. */
  static void slices(AppConfig cfg) {
    JobsConfig.from(cfg.raw());
    com.ledger.platform.jobs.JobsOverviewVerticle.staleAfterSeconds(cfg.raw());
    com.ledger.platform.jobs.JobsOverviewVerticle.intervalMs(cfg.raw());
    com.ledger.http.ManagementVerticle.port(cfg);
    PaymentsConfig.from(cfg.raw());
    com.ledger.payments.LedgerVerifyVerticle.intervalMs(cfg);
    com.ledger.payments.LedgerVerifyVerticle.fullIntervalMs(cfg);
    SandboxConfig.from(cfg);
    BankConfig.from(cfg);
    SyncSettings.from(cfg);
    UserVerticle.passwordRules(cfg);
    UserVerticle.hashThreads(cfg);
    AuthVerticle.checkConfig(cfg);
    UserCache.ttlMs(cfg);
    Secrets.passwordParams(cfg);
    if (cfg.seedDemoData() || Verticles.runsBankSync(cfg)) Secrets.bankTokenCipher(cfg);  // required in prod then
  }

  static void ports(AppConfig cfg) {
    if (cfg.hasRole("http")) free("http.port", cfg.http().host(), cfg.http().port());
    else free("management.port", cfg.http().host(), com.ledger.http.ManagementVerticle.port(cfg));
    if (Verticles.runsSandbox(cfg)) {
      SandboxConfig sandbox = SandboxConfig.from(cfg);
      free("sandbox_bank.port", sandbox.host(), sandbox.port());
    }
    if (cfg.cluster().enabled()) free("cluster.eventbus_port", cfg.cluster().host(), cfg.cluster().eventBusPort());
  }

  /** Binds and releases {@code host:port} (port 0: any free port, nothing to check). */
  static void free(String key, String host, int port) {
    if (port == 0) return;
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);  // as the servers do: a port left in TIME_WAIT is free
      socket.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw cannotListen(key, host, port, e);
    }
  }

  /** One line for a listener that cannot bind: the key and the address. */
  static ConfigException cannotListen(String key, String host, int port, Throwable e) {
    String message = String.valueOf(e.getMessage());
    boolean inUse = e instanceof BindException && message.toLowerCase(java.util.Locale.ROOT).contains("in use");
    return new ConfigException(key, host + ":" + port + (inUse
        ? " is already in use (another process listens there: stop it, or choose another port)"
        : " cannot be listened on (" + message + ")"));
  }
}
