package com.ledger.banksync;

import com.ledger.banksync.bank.BankBreakers;
import com.ledger.banksync.bank.BankClient;
import com.ledger.platform.config.BankConfig;
import com.ledger.platform.config.SyncSettings;
import com.ledger.platform.jobs.JobWorker;
import com.ledger.platform.observability.NodeState;
import com.ledger.platform.security.TokenCipher;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * What the banksync verticles of one node share: the bank client with its circuit breakers (one per remote, so the
 * API verticle and the sync worker see the same state), the token cipher, and the breaker's health section.
 * Created once per node by {@code Verticles}; initialised by the first verticle that starts.
 */
public final class BankRuntime {
  private final BankConfig bankCfg;
  private final SyncSettings settings;
  private final TokenCipher cipher;
  private final NodeState node;
  private BankClient client;

  public BankRuntime(BankConfig bankCfg, SyncSettings settings, TokenCipher cipher, NodeState node) {
    this.bankCfg = bankCfg;
    this.settings = settings;
    this.cipher = cipher;
    this.node = node;
  }

  public synchronized BankClient client(Vertx vertx) {
    if (client == null) {
      MeterRegistry registry = node == null ? null : BackendRegistries.getNow(node.registryName);
      BankBreakers breakers = new BankBreakers(vertx, bankCfg, registry);
      client = new BankClient(vertx, bankCfg, breakers, registry, Clock.systemUTC());
      breakers.forEndpoint(bankCfg.url()); // the default remote is visible in health from the start
      if (node != null) node.contribute("bank_circuit_breaker", breakers::describe);
    }
    return client;
  }

  /** The BankSyncWorker for a job runner of the {@code banking} queue. */
  public JobWorker syncWorker(Vertx vertx, Pool pool) {
    MeterRegistry registry = node == null ? null : BackendRegistries.getNow(node.registryName);
    return new BankSyncWorker(new SyncService(vertx, pool, new LoginRepository(), client(vertx), cipher,
        settings, registry, Clock.systemUTC()));
  }

  /** The ReconciliationWorker (issue 12) for a job runner of the {@code banking} queue. */
  public JobWorker reconciliationWorker(Vertx vertx, Pool pool) {
    MeterRegistry registry = node == null ? null : BackendRegistries.getNow(node.registryName);
    return new ReconciliationWorker(vertx, new SyncService(vertx, pool, new LoginRepository(), client(vertx), cipher,
        settings, registry, Clock.systemUTC()));
  }

  public TokenCipher cipher() {
    return cipher;
  }
}
