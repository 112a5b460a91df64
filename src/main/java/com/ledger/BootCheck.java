package com.ledger;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.ConfigException;
import com.ledger.platform.config.SandboxConfig;
import com.ledger.platform.security.Secrets;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Fail fast: before the database, Vert.x or any verticle starts (every slice of the configuration was already parsed
 * by {@link AppConfig#from}), the secrets this node's roles need are checked and the ports it will listen on are
 * checked free, so a bad value stops the node with one line naming its key and nothing to clean up.
 */
final class BootCheck {
  private BootCheck() {}

  static void run(AppConfig cfg) {
    slices(cfg);
    ports(cfg);
  }

  /** The bank token key, where it is used (it is required in prod then). */
  static void slices(AppConfig cfg) {
    if (cfg.seedDemoData() || Verticles.runsBankSync(cfg)) Secrets.bankTokenCipher(cfg);
  }

  static void ports(AppConfig cfg) {
    if (cfg.hasRole("http")) free("http.port", cfg.http().host(), cfg.http().port());
    else free("management.port", cfg.http().host(), cfg.managementPort());
    if (Verticles.runsSandbox(cfg)) {
      SandboxConfig sandbox = cfg.sandbox();
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
