package com.ledger.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The real {@code Main} in a child JVM: its command line, and a bad configuration (or port, or deployment) exits
 * non-zero with one line naming the key, leaving nothing running.
 */
class MainProcessTest {

  record Exit(int code, String stdout, String stderr) {}

  static Exit run(Map<String, String> env) throws Exception {
    Map<String, String> quiet = new HashMap<>(env);
    quiet.putIfAbsent("LEDGER_LOG_LEVEL", "OFF");
    return run(List.of(), quiet, 60);
  }

  /** Main with these arguments and LEDGER_* variables (no others); fails unless it exits within the deadline. */
  static Exit run(List<String> args, Map<String, String> env, int deadlineSeconds) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(javaBin, "-cp", System.getProperty("java.class.path"),
        "com.ledger.Main"));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("LEDGER_"));
    pb.environment().putAll(env);
    File out = File.createTempFile("ledger-main-out", ".log");
    File err = File.createTempFile("ledger-main-err", ".log");
    pb.redirectOutput(out).redirectError(err);
    Process p = pb.start();
    try {
      if (!p.waitFor(deadlineSeconds, TimeUnit.SECONDS)) {
        throw new AssertionError("Main did not exit within " + deadlineSeconds + " s: " + Files.readString(err.toPath()));
      }
      return new Exit(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
    } finally {
      p.destroyForcibly();
      out.delete();
      err.delete();
    }
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
    File out = File.createTempFile("ledger-main", ".log");
    pb.redirectOutput(out);
    Process p = pb.start();
    try {
      Api api = new Api("http://127.0.0.1:" + port);
      AtomicReference<Api.Resp> answer = new AtomicReference<>();
      Poll.until("the service ready on LEDGER_HTTP_PORT (or exited)", Duration.ofSeconds(60), () -> {
        if (!p.isAlive()) return true;
        try {
          answer.set(api.get("/api/health/ready", null));
          return answer.get().status() == 200;
        } catch (IllegalStateException notYet) {
          return false;  // connection refused until the server listens
        }
      });
      Api.Resp ready = answer.get();
      assertThat(ready).as("the service answered on LEDGER_HTTP_PORT").isNotNull();
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.header("x-rate-limit-limit")).as("LEDGER_RATE_LIMIT_MAX_REQUESTS").isEqualTo("3");
    } finally {
      p.destroy();  // SIGTERM
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
      TestDatabase.drop(db);
    }
    // a clean stop on request is a success (not 128 + 15)
    assertThat(p.exitValue()).as("exit status after SIGTERM").isZero();
    assertThat(Files.readString(out.toPath())).contains("shutting down").contains("\"stopped\"");
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

  @Test
  void help_prints_the_usage_with_every_variable_and_exits_0() throws Exception {
    Exit e = run(List.of("--help"), Map.of(), 60);
    assertThat(e.code()).isZero();
    assertThat(e.stdout()).contains("Usage:").contains("--conf FILE").contains("-h, --help").contains("--version")
        .containsPattern("LEDGER_HTTP_PORT +4000 +API port").contains("LEDGER_JOBS_HEARTBEAT_SECONDS")
        .contains("LEDGER_DB_EMBEDDED").contains("LEDGER_CONF").doesNotContain("migrations applied");
    assertThat(lines(e.stderr())).isEmpty();
  }

  @Test
  void version_prints_one_line_and_exits_0() throws Exception {
    Exit e = run(List.of("--version"), Map.of(), 60);
    assertThat(e.code()).isZero();
    assertThat(e.stdout()).startsWith("LedgerBank 1.0.0 (Vert.x 5.0.7, Java ").hasLineCount(1);
  }

  @Test
  void an_unknown_option_prints_the_usage_and_exits_2() throws Exception {
    Exit e = run(List.of("--frobnicate"), Map.of(), 60);
    assertThat(e.code()).isEqualTo(2);
    assertThat(e.stderr()).startsWith("unknown option: --frobnicate\n").contains("Usage:").contains("--conf FILE");
    assertThat(e.stdout()).isEmpty();
  }

  @Test
  void a_port_in_use_exits_non_zero_within_10_seconds_naming_the_key_and_address() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = taken.getLocalPort();
      Exit e = run(List.of(), Map.of("LEDGER_HTTP_HOST", "127.0.0.1", "LEDGER_HTTP_PORT", String.valueOf(port),
          "LEDGER_SANDBOX_BANK_PORT", String.valueOf(TestApp.freePort()), "LEDGER_LOG_LEVEL", "OFF"), 10);
      assertThat(e.code()).isNotZero();
      assertThat(lines(e.stderr())).singleElement().asString()
          .contains("http.port (LEDGER_HTTP_PORT): 127.0.0.1:" + port + " is already in use");
    }
  }

  @Test
  void an_unknown_ledger_variable_is_warned_with_the_closest_known_name() throws Exception {
    Exit e = run(List.of(), Map.of("LEDGER_HTTP_PROT", "1234", "LEDGER_HTTP_PORT", "99999"), 60);
    assertThat(e.stdout()).contains("LEDGER_HTTP_PROT is not a known setting; did you mean LEDGER_HTTP_PORT?");
    assertThat(e.code()).isEqualTo(2);
    assertThat(lines(e.stderr())).singleElement().asString().contains("http.port (LEDGER_HTTP_PORT)");
  }

  @Test
  void invalid_jobs_settings_are_reported_before_any_migration() throws Exception {
    String db = TestDatabase.fresh();
    try {
      Exit e = run(Map.of("LEDGER_DB_URL", db, "LEDGER_JOBS_HEARTBEAT_SECONDS", "40",
          "LEDGER_HTTP_PORT", String.valueOf(TestApp.freePort()), "LEDGER_SANDBOX_BANK_PORT", String.valueOf(TestApp.freePort())));
      assertThat(e.code()).isEqualTo(2);
      assertThat(lines(e.stderr())).singleElement().asString()
          .isEqualTo("configuration error: jobs.heartbeat_seconds (LEDGER_JOBS_HEARTBEAT_SECONDS): must be below jobs.lease_seconds (30)");
      assertThat(schemas(db)).as("no migration ran").isZero();
    } finally {
      TestDatabase.drop(db);
    }
  }

  @Test
  void a_yaml_error_in_ledger_conf_names_file_line_and_column() throws Exception {
    File conf = File.createTempFile("ledger-conf", ".yaml");
    try {
      Files.writeString(conf.toPath(), "http:\n  port: [4000\n");
      Exit e = run(Map.of("LEDGER_CONF", conf.getPath()));
      assertThat(e.code()).isEqualTo(2);
      assertThat(lines(e.stderr())).singleElement().asString()
          .startsWith("configuration error: conf (LEDGER_CONF): invalid YAML in " + conf.getPath() + " at line 3, column 1");
    } finally {
      conf.delete();
    }
  }

  @Test
  void a_failed_deployment_stops_the_node_with_one_line() throws Exception {
    // the contract is read while the domain verticles, job runners and sandbox bank start: they must all stop
    File contract = File.createTempFile("ledger-contract", ".yaml");
    String db = TestDatabase.fresh();
    try {
      Files.writeString(contract.toPath(), "openapi: 3.1.0\npaths: {\n");
      Exit e = run(Map.of("LEDGER_DB_URL", db, "LEDGER_HTTP_CONTRACT", contract.getPath(), "LEDGER_APP_ENV", "test",
          "LEDGER_JWT_SECRET", TestApp.JWT_SECRET, "LEDGER_SEED_DEMO_DATA", "false", "LEDGER_HTTP_HOST", "127.0.0.1",
          "LEDGER_HTTP_PORT", String.valueOf(TestApp.freePort()), "LEDGER_SANDBOX_BANK_PORT", String.valueOf(TestApp.freePort())));
      assertThat(e.code()).isEqualTo(2);
      assertThat(lines(e.stderr())).singleElement().asString()
          .startsWith("configuration error: http.contract (LEDGER_HTTP_CONTRACT): invalid YAML in " + contract.getPath());
      assertThat(schemas(db)).as("it failed after the migrations, with verticles running").isEqualTo(5);
    } finally {
      contract.delete();
      TestDatabase.drop(db);
    }
  }

  /** How many of the service's schemas exist in the database. */
  private static int schemas(String db) throws Exception {
    try (var c = TestDatabase.jdbc(db); var st = c.createStatement(); var rs = st.executeQuery(
        "SELECT count(*) FROM pg_namespace WHERE nspname IN ('users', 'auth', 'banksync', 'payments', 'jobs')")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
