package com.ledger.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real {@code Main} in a child JVM: a bad configuration exits non-zero with one line naming the key. */
class MainProcessTest {

  record Exit(int code, String stderr) {}

  static Exit run(Map<String, String> env) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        "com.ledger.Main"));
    pb.environment().keySet().removeIf(k -> k.startsWith("LEDGER_"));
    pb.environment().putAll(env);
    pb.environment().put("LEDGER_LOG_LEVEL", "OFF");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("Main did not exit");
    }
    return new Exit(p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  static List<String> lines(String s) {
    return s.lines().filter(l -> !l.isBlank()).filter(l -> !l.startsWith("WARNING")).toList();
  }

  @Test
  void environment_overrides_reach_the_running_service_and_sigterm_stops_it() throws Exception {
    String db = TestDatabase.fresh();
    int port = TestApp.freePort();
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(javaBin, "-cp", System.getProperty("java.class.path"), "com.ledger.Main"));
    pb.environment().keySet().removeIf(k -> k.startsWith("LEDGER_"));
    pb.environment().putAll(Map.of("LEDGER_DB_URL", db, "LEDGER_HTTP_PORT", String.valueOf(port),
        "LEDGER_HTTP_HOST", "127.0.0.1", "LEDGER_APP_ENV", "test", "LEDGER_JWT_SECRET", TestApp.JWT_SECRET,
        "LEDGER_ROLES", "http,users", "LEDGER_SEED_DEMO_DATA", "false", "LEDGER_RATE_LIMIT_MAX_REQUESTS", "3"));
    pb.redirectErrorStream(true);
    java.io.File out = java.io.File.createTempFile("ledger-main", ".log");
    pb.redirectOutput(out);
    Process p = pb.start();
    try {
      Api api = new Api("http://127.0.0.1:" + port);
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
      Api.Resp ready = null;
      while (System.nanoTime() < deadline && p.isAlive()) {
        try {
          ready = api.get("/api/health/ready", null);
          if (ready.status() == 200) break;
        } catch (IllegalStateException notYet) {
          // connection refused until the server listens
        }
        Thread.sleep(50);  // poll interval, bounded by the deadline
      }
      assertThat(ready).as("the service answered on LEDGER_HTTP_PORT").isNotNull();
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.header("x-rate-limit-limit")).as("LEDGER_RATE_LIMIT_MAX_REQUESTS").isEqualTo("3");
    } finally {
      p.destroy();  // SIGTERM
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
      TestDatabase.drop(db);
    }
    assertThat(java.nio.file.Files.readString(out.toPath())).contains("shutting down").contains("\"stopped\"");
  }

  @Test
  void invalid_port_exits_2_naming_the_key() throws Exception {
    Exit e = run(Map.of("LEDGER_HTTP_PORT", "99999"));
    assertThat(e.code()).isEqualTo(2);
    assertThat(lines(e.stderr())).hasSize(1);
    assertThat(e.stderr()).contains("http.port (LEDGER_HTTP_PORT)");
  }

  @Test
  void short_jwt_secret_outside_dev_exits_2() throws Exception {
    Exit e = run(Map.of("LEDGER_APP_ENV", "prod", "LEDGER_JWT_SECRET", "too-short"));
    assertThat(e.code()).isEqualTo(2);
    assertThat(lines(e.stderr())).hasSize(1);
    assertThat(e.stderr()).contains("jwt.secret (LEDGER_JWT_SECRET)").doesNotContain("too-short");
  }

  @Test
  void unreachable_database_exits_2_naming_db_url() throws Exception {
    Exit e = run(Map.of("LEDGER_DB_URL", "postgresql://postgres@127.0.0.1:1/nowhere", "LEDGER_DB_CONNECT_TIMEOUT_MS", "1000"));
    assertThat(e.code()).isEqualTo(2);
    assertThat(lines(e.stderr())).hasSize(1);
    assertThat(e.stderr()).contains("db.url (LEDGER_DB_URL)");
  }
}
