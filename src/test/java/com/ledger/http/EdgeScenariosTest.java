package com.ledger.http;

import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api.Resp;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import com.ledger.support.TestUsers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Edge behaviours that need their own node configuration. */
class EdgeScenariosTest {

  @Test
  void over_the_rate_limit_is_429_with_retry_after() {
    try (TestApp app = TestApp.start(Map.of("rate_limit.enabled", true, "rate_limit.max_requests", 5,
        "rate_limit.window_ms", 60_000))) {
      for (int i = 0; i < 5; i++) {
        Resp ok = app.api.get("/api/health", null);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("x-rate-limit-limit")).isEqualTo("5");
        assertThat(ok.header("x-rate-limit-remaining")).isEqualTo(String.valueOf(4 - i));
        assertThat(Long.parseLong(ok.header("x-rate-limit-reset"))).isGreaterThan(System.currentTimeMillis());
      }
      Resp limited = app.api.get("/api/health", null);
      assertProblem(limited, 429, "rate_limit_exceeded");
      assertThat(limited.json().getBoolean("retryable")).isTrue();
      assertThat(Integer.parseInt(limited.header("retry-after"))).isBetween(1, 60);
      // preflights are never limited
      assertThat(app.api.send("OPTIONS", "/api/health", null, null, Map.of()).status()).isEqualTo(204);
      app.assertLedgerVerifies();
    }
  }

  @Test
  void an_operation_no_node_serves_answers_501_at_once() {
    try (TestApp app = TestApp.start(Map.of("roles", List.of("http", "users")))) {
      var user = TestUsers.insert(app, "user");
      long t0 = System.nanoTime();
      Resp r = app.api.get("/api/payments", user.token());
      assertProblem(r, 501, "not_implemented");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertProblem(app.api.get("/api/webhooks", null), 501, "not_implemented");
    }
  }

  @Test
  void ready_is_503_while_the_database_is_unreachable() throws Exception {
    try (TestApp app = TestApp.start(Map.of("db.connect_timeout_ms", 1000))) {
      assertThat(app.api.get("/api/health/ready", null).status()).isEqualTo(200);
      String db = app.dbUrl.substring(app.dbUrl.lastIndexOf('/') + 1);
      try (var c = TestDatabase.jdbc(app.dbUrl.replace("/" + db, "/postgres")); var st = c.createStatement()) {
        st.execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS false");
        st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
        Resp down = app.api.get("/api/health/ready", null);
        assertThat(down.status()).as(down.body()).isEqualTo(503);
        assertThat(down.json().getString("status")).isEqualTo("not_ready");
        assertThat(down.json().getJsonObject("checks").getString("database")).isEqualTo("error");
        assertThat(app.api.get("/api/health/live", null).status()).isEqualTo(200);
        assertThat(app.api.get("/api/health/detailed", null).status()).isEqualTo(503);
        st.execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
      }
      Poll.until("ready again once the database accepts connections", Duration.ofSeconds(10),
          () -> app.api.get("/api/health/ready", null).status() == 200);
    }
  }
}
