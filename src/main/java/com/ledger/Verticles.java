package com.ledger;

import com.ledger.http.ManagementVerticle;
import com.ledger.platform.jobs.JobsOverviewVerticle;

import com.ledger.auth.AuthVerticle;
import com.ledger.banksync.BankRuntime;
import com.ledger.banksync.BankSyncVerticle;
import com.ledger.banksync.SyncSchedulerVerticle;
import com.ledger.banksync.api.BankSyncApi;
import com.ledger.payments.LedgerVerifyVerticle;
import com.ledger.payments.PaymentRetryGuard;
import com.ledger.payments.ReconciliationRetryGuard;
import com.ledger.payments.PaymentWorkers;
import com.ledger.payments.PaymentsVerticle;
import com.ledger.payments.SyncImportConsumer;
import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.config.AppConfig;
import com.ledger.platform.jobs.JobRunners;
import com.ledger.platform.jobs.JobsApiVerticle;
import com.ledger.platform.observability.NodeState;
import com.ledger.platform.security.Secrets;
import com.ledger.platform.security.PasswordHasher;
import com.ledger.sandbox.SandboxBankVerticle;
import com.ledger.users.UserVerticle;
import io.vertx.core.Deployable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Which domain verticles (and how many instances) a node deploys, from its roles. HTTP is deployed last. */
final class Verticles {
  record Spec(String role, Supplier<Deployable> factory, int instances) {}

  private Verticles() {}

  static List<Spec> forNode(AppConfig cfg, NodeState node, PasswordHasher hasher) {
    List<Spec> specs = new ArrayList<>();
    var db = cfg.db();
    long timeoutMs = cfg.http().requestTimeoutMs();  // how long a request to another context may take
    if (cfg.hasRole("users")) {
      specs.add(new Spec("users", () -> new UserVerticle(db, cfg.auth(), timeoutMs, hasher), 1));
    }
    if (cfg.hasRole("auth")) {
      specs.add(new Spec("auth", () -> new AuthVerticle(db, cfg.jwt(), cfg.auth(), timeoutMs), 1));
    }
    if (cfg.hasRole("payments")) {
      specs.add(new Spec("payments", () -> new PaymentsVerticle(db, cfg.payments(), node.registryName), 1));
    }
    if (cfg.hasRole("payments")) {
      specs.add(new Spec("payments", () -> new JobsApiVerticle(db, Map.of(PaymentsApi.WORKER, new PaymentRetryGuard(),
          PaymentsApi.RECONCILIATION_WORKER, new ReconciliationRetryGuard())), 1));
    }
    JobRunners runners = new JobRunners(cfg.jobs(), db, cfg.nodeName(), node);
    if (cfg.hasRole("payment-worker")) {
      specs.add(new Spec("payment-worker", runners.runner(PaymentsApi.QUEUE, PaymentWorkers.of(cfg.payments())), 1));
    }
    if (cfg.hasRole("payments")) specs.add(new Spec("payments", () -> new SyncImportConsumer(db), 1));
    if (cfg.hasRole("payments")) specs.add(new Spec("payments", () -> new LedgerVerifyVerticle(db, cfg.payments()), 1));
    if (runsSandbox(cfg)) specs.add(new Spec("sandbox-bank", () -> new SandboxBankVerticle(cfg.sandbox()), 1));
    BankRuntime bank = runsBankSync(cfg)
        ? new BankRuntime(cfg.bank(), cfg.banksync(), Secrets.bankTokenCipher(cfg), node) : null;
    if (cfg.hasRole("banksync")) {
      specs.add(new Spec("banksync", () -> new BankSyncVerticle(db, cfg.banksync(), cfg.webhooks(),
          cfg.payments().idempotency(), timeoutMs, bank), 1));
    }
    if (cfg.hasRole("banksync-worker")) {
      specs.add(new Spec("banksync-worker", runners.runner(BankSyncApi.SYNC_QUEUE,
          (vertx, pool) -> List.of(bank.syncWorker(vertx, pool), bank.reconciliationWorker(vertx, pool))), 1));
      specs.add(new Spec("banksync-worker", () -> new SyncSchedulerVerticle(db, cfg.banksync()), 1));
    }
    // a node running job runners keeps their queues once (depth gauges, pruning), however many runners it has
    if (runners.any()) specs.add(new Spec("jobs-maintenance", runners.maintenance(), 1));
    // every node reads the job queues from PostgreSQL for its metrics and detailed health; one without the API role
    // serves health and metrics on its management listener
    specs.add(new Spec("observability", () -> new JobsOverviewVerticle(db, cfg.jobsOverview(), node), 1));
    if (!cfg.hasRole("http")) {
      specs.add(new Spec("management", () -> new ManagementVerticle(db, cfg.http().host(), cfg.managementPort(), node),
          1));
    }
    return specs;
  }

  /** The sandbox bank: an explicit role, or part of "all" outside prod; deployed before its clients. */
  static boolean runsSandbox(AppConfig cfg) {
    return cfg.roles().contains("sandbox-bank") || cfg.roles().contains("all") && !cfg.isProd();
  }

  static boolean runsBankSync(AppConfig cfg) {
    return cfg.hasRole("banksync") || cfg.hasRole("banksync-worker");
  }
}
