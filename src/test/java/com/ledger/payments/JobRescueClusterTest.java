package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api.Resp;
import com.ledger.support.Poll;
import com.ledger.support.TcpProxy;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import com.ledger.support.TestUsers.User;
import io.vertx.core.internal.VertxInternal;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 3: when cluster membership reports a worker node gone, its leased jobs are rescued at once, not
 * when their lease (30 s, the default) expires. Node C "crashes": its Hazelcast member is terminated and its database
 * connections are cut (a relay that is killed, so it cannot reconnect either) while it holds two batches.
 */
class JobRescueClusterTest {
  static final String CLUSTER = "ledger-rescue-test-" + UUID.randomUUID().toString().substring(0, 8);
  static String db;
  static int seedPort;
  static TestApp a;
  static TestApp b;
  static Fixtures fx;

  static TestApp node(String name, List<String> roles, String dbUrl) {
    int port = TestApp.freePort();
    Map<String, Object> o = new HashMap<>(Map.of(
        "db.url", dbUrl, "cluster.enabled", true, "cluster.name", CLUSTER, "cluster.port", port,
        "cluster.members", List.of("127.0.0.1:" + (seedPort == 0 ? port : seedPort)), "roles", roles,
        "node.name", name, "payments.checking_daily_limit", "1000000.00", "jobs.poll_interval_ms", 250));
    o.put("jobs.batch_size", 5);
    o.put("jobs.shutdown_grace_ms", 0);
    if (seedPort == 0) seedPort = port;
    return TestApp.start(o);
  }

  @BeforeAll
  static void start() {
    db = TestDatabase.fresh();
    a = node("node-a", List.of("http", "users", "payments"), db);
    b = node("node-b", List.of("payment-worker"), db);
    fx = new Fixtures(a.app.vertx(), a.app.config(), db);
  }

  @AfterAll
  static void stop() {
    try {
      if (db != null) TestApp.assertLedgerVerifies(db);
    } finally {
      if (b != null) b.close();
      if (a != null) a.close();
      TestDatabase.drop(db);
    }
  }

  static String via(TcpProxy proxy, String url, String appName) {
    PgConnectOptions o = PgConnectOptions.fromUri(url);
    String auth = URLEncoder.encode(o.getUser(), StandardCharsets.UTF_8)
        + (o.getPassword() == null || o.getPassword().isEmpty() ? "" : ":" + URLEncoder.encode(o.getPassword(), StandardCharsets.UTF_8));
    return "postgresql://" + auth + "@127.0.0.1:" + proxy.port() + "/" + o.getDatabase() + "?application_name=" + appName;
  }

  @Test
  void a_crashed_workers_jobs_are_rescued_when_it_leaves_the_cluster_not_when_its_lease_expires() throws Exception {
    PgConnectOptions target = PgConnectOptions.fromUri(db);
    String cConnections = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ledger-node-c'";
    try (TcpProxy proxy = new TcpProxy(target.getPort())) {
      TestApp c = node("node-c", List.of("payment-worker"), via(proxy, db, "ledger-node-c"));
      assertThat(JobsConfigLease.of(c)).isEqualTo(30); // the default lease: rescue by lease would take 30 s
      try {
        User u = fx.user();
        UUID acc = fx.account(u, "CHECKING", "1000.00");
        List<UUID> ids = new ArrayList<>();
        List<String> heldByC;
        long crashedAt;
        try (Connection lock = TestDatabase.jdbc(db)) {
          lock.setAutoCommit(false);
          try (PreparedStatement ps = lock.prepareStatement(
              "SELECT 1 FROM payments.user_bank_accounts WHERE id = ? FOR NO KEY UPDATE")) {
            ps.setObject(1, acc);
            ps.executeQuery().close();
          }
          for (int i = 0; i < 20; i++) {
            ids.add(Fixtures.create(a.api, u, acc, "1.00", "DEBIT", "rescue #" + i));
            Resp p = Fixtures.processAsync(a.api, u, ids.get(i));
            assertThat(p.status()).as(p.body()).isEqualTo(202);
          }
          Poll.until("node C blocked in its batches", Duration.ofSeconds(30), () -> fx.count(
              cConnections + " AND state = 'active' AND wait_event_type = 'Lock'") >= 1);
          heldByC = fx.queryStrings("SELECT id::text FROM jobs.jobs WHERE state = 'executing' AND locked_by LIKE 'node-c:%'");
          assertThat(heldByC).isNotEmpty();
          // kill -9 of node C: its cluster member vanishes and its connections drop (the server ends their backends)
          ((HazelcastClusterManager) ((VertxInternal) c.app.vertx()).clusterManager()).getHazelcastInstance()
              .getLifecycleService().terminate();
          proxy.kill();
          fx.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ledger-node-c'");
          Poll.until("node C's backends gone", Duration.ofSeconds(10), () -> fx.count(cConnections) == 0);
          crashedAt = System.nanoTime();
          lock.rollback();
        }
        // 2–3× the issue's 5 s, well under the 30 s lease
        Poll.until("node C's jobs rescued and the batch drained", Duration.ofSeconds(12), () -> fx.count(
            "SELECT count(*) FROM payments.user_payments WHERE user_bank_account_id = ? AND status = 'COMPLETED'", acc) == 20);
        assertThat(Duration.ofNanos(System.nanoTime() - crashedAt)).isLessThan(Duration.ofSeconds(30));
        for (String job : heldByC) {
          assertThat(fx.queryString("SELECT state FROM jobs.jobs WHERE id = ?::uuid", job)).isEqualTo("completed");
          assertThat(fx.queryString("SELECT errors->0->>'reason' FROM jobs.jobs WHERE id = ?::uuid", job)).isEqualTo("timeout");
        }
        for (UUID id : ids) {
          assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE payment_id = ?", id)).as(id.toString()).isEqualTo(1);
        }
        assertThat(fx.balance(acc)).isEqualTo("980.00");
      } finally {
        c.close();
      }
    }
  }

  /** The lease the node runs with. */
  static final class JobsConfigLease {
    static int of(TestApp app) {
      return app.app.config().jobs().leaseSeconds();
    }
  }
}
