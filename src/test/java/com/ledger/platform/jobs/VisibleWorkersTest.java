package com.ledger.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 5: workers are visible. A worker-only node (no http role) answers /api/health/live, /ready and
 * /api/metrics on its management listener; every node's metrics carry the job queues as PostgreSQL sees them
 * (ledger_jobs_*); with no worker claiming, jobs waiting beyond jobs.stale_after_seconds make the detailed health
 * degraded.
 */
class VisibleWorkersTest {
  static String db;
  static TestApp api;
  static TestApp worker;

  @BeforeAll
  static void start() {
    db = TestDatabase.fresh();
    // the API node runs no worker for the "default" queue; jobs there wait
    api = TestApp.start(Map.of("db.url", db, "roles", List.of("http", "users", "payments"),
        "jobs.stale_after_seconds", 1, "jobs.overview_interval_ms", 200));
    worker = TestApp.start(Map.of("db.url", db, "roles", List.of("payment-worker"), "jobs.overview_interval_ms", 200));
  }

  @AfterAll
  static void stop() {
    try {
      if (db != null) TestApp.assertLedgerVerifies(db);
    } finally {
      if (worker != null) worker.close();
      if (api != null) api.close();
      TestDatabase.drop(db);
    }
  }

  @Test
  void a_worker_only_node_serves_health_and_metrics_on_its_management_port() {
    Api mgmt = Api.unchecked("http://127.0.0.1:" + worker.app.config().managementPort());
    Api.Resp live = mgmt.get("/api/health/live", null);
    assertThat(live.status()).as(live.body()).isEqualTo(200);
    assertThat(live.json().getString("status")).isEqualTo("alive");
    Api.Resp ready = mgmt.get("/api/health/ready", null);
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(ready.json().getString("status")).isEqualTo("ready");
    Poll.until("job gauges on the worker node", Duration.ofSeconds(15),
        () -> mgmt.get("/api/metrics", null).body().contains("ledger_jobs_waiting{queue=\"payments\"}"));
    String metrics = mgmt.get("/api/metrics", null).body();
    assertThat(metrics).contains("ledger_jobs_claimed{queue=\"payments\"}", "ledger_jobs_dead_letters{queue=\"payments\"}",
        "ledger_jobs_oldest_waiting_age_seconds{queue=\"payments\"}");
    assertThat(mgmt.get("/api/users", null).status()).isEqualTo(404);
    // the container healthcheck: the API port first (nothing there on this node), then the management port
    assertThat(com.ledger.platform.HealthProbe.probe(List.of("http://127.0.0.1:" + TestApp.freePort() + "/api/health/ready",
        mgmt.base + "/api/health/ready"))).isTrue();
    assertThat(com.ledger.platform.HealthProbe.probe(List.of("http://127.0.0.1:" + TestApp.freePort() + "/api/health/ready")))
        .isFalse();
  }

  @Test
  void jobs_waiting_with_no_worker_claiming_them_show_in_metrics_and_degrade_the_detailed_health() throws Exception {
    try (var c = TestDatabase.jdbc(db); var st = c.createStatement()) {
      st.execute("INSERT INTO jobs.jobs (worker, queue, state, args, scheduled_at) "
          + "VALUES ('NobodyWorker', 'default', 'available', '{}'::jsonb, now() - interval '5 seconds')");
    }
    Poll.until("the waiting job in the API node's metrics", Duration.ofSeconds(15), () -> api.api.get("/api/metrics", null).body()
        .contains("ledger_jobs_waiting{queue=\"default\"} 1.0"));
    Api.Resp detailed = api.api.get("/api/health/detailed", null);
    assertThat(detailed.status()).as(detailed.body()).isEqualTo(503);
    JsonObject body = detailed.json();
    assertThat(body.getString("status")).isEqualTo("degraded");
    assertThat(body.getJsonObject("checks").getString("jobs")).isEqualTo("warning");
    assertThat(body.getJsonObject("details").getJsonObject("jobs").getJsonObject("queues").getJsonObject("default")
        .getString("status")).isEqualTo("stalled");
    // readiness is about this node serving requests, not about other nodes' workers
    assertThat(api.api.get("/api/health/ready", null).status()).isEqualTo(200);
    try (var c = TestDatabase.jdbc(db); var st = c.createStatement()) {
      st.execute("DELETE FROM jobs.jobs WHERE worker = 'NobodyWorker'");
    }
    Poll.until("the node healthy again", Duration.ofSeconds(15), () -> api.api.get("/api/health/detailed", null).status() == 200);
  }
}
