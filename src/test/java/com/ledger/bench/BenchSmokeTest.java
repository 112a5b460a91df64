package com.ledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api.Resp;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the benchmark (bench/run) from rotting without wrk, hey or pgbench: the service's real schema takes
 * bench/seed.sql, and bench/Bench.java (its Java parts, run as bench/run runs them: the JDK's source launcher with
 * the build's classpath) drives a running app for a second per figure and writes the table's JSON. No speed is
 * asserted: only that every figure was measured, that only successes were counted and that the counted postings
 * are the ones in the database.
 */
class BenchSmokeTest {
  static final String PASSWORD = "bench-password-1!";
  static TestApp app;

  @BeforeAll
  static void start() {
    // as bench/run starts the service: the rate limit on, its maximum raised
    app = TestApp.start(Map.of("rate_limit.enabled", true, "rate_limit.max_requests", 1_000_000,
        "rate_limit.window_ms", 1000));
  }

  /** The ledger verifies after the seed and the harness's postings (bench/seed.sql writes no COMPLETED payment). */
  @AfterAll
  static void stop() {
    if (app != null) app.verifyLedgerAndClose();
  }

  @Test
  void seed_sql_and_the_java_harness_produce_every_figure(@TempDir Path tmp) throws Exception {
    Resp reg = app.api.post("/api/users", new JsonObject().put("email", "bench-spread@example.com")
        .put("full_name", "Bench Spread").put("password", PASSWORD).put("password_confirmation", PASSWORD), null);
    assertThat(reg.status()).as(reg.body()).isEqualTo(201);

    List<String> ids = new ArrayList<>();
    try (Connection c = TestDatabase.jdbc(app.dbUrl); Statement st = c.createStatement()) {
      st.execute("SET bench.spread = '3000'");
      st.execute("SET bench.hot = '7'");
      st.execute("SET bench.async = '11'");
      st.execute("SET bench.history = '120'");
      for (String sql : statements(Files.readString(Path.of("bench/seed.sql")))) st.execute(sql);
      assertThat(count(st, "SELECT count(*) FROM payments.user_payments WHERE description LIKE 'bench spread %'"
          + " AND status = 'PENDING' AND direction = 'CREDIT' AND amount = 0.01")).isEqualTo(3000);
      assertThat(count(st, "SELECT count(DISTINCT user_bank_account_id) FROM payments.user_payments"
          + " WHERE description LIKE 'bench spread %'")).isEqualTo(200);
      assertThat(count(st, "SELECT count(DISTINCT user_bank_account_id) FROM payments.user_payments"
          + " WHERE description LIKE 'bench hot %'")).isEqualTo(1);
      assertThat(count(st, "SELECT count(*) FROM payments.user_payments WHERE description LIKE 'bench async %'"))
          .isEqualTo(11);
      assertThat(count(st, "SELECT count(*) FROM payments.user_payments p JOIN users.users u ON u.id = p.user_id"
          + " WHERE u.email = 'bench-big@example.com'")).isEqualTo(120);
      try (ResultSet rs = st.executeQuery("SELECT id FROM payments.user_payments WHERE description LIKE"
          + " 'bench spread %' ORDER BY split_part(description, ' ', 3)::int")) {
        while (rs.next()) ids.add(rs.getString(1));
      }
    }
    // the users seed.sql made log in with the registered user's password (bench/run logs them in)
    for (String who : List.of("big", "small")) {
      Resp r = app.api.post("/api/auth/login", new JsonObject().put("email", "bench-" + who + "@example.com")
          .put("password", PASSWORD), null);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
    Resp login = app.api.post("/api/auth/login",
        new JsonObject().put("email", "bench-spread@example.com").put("password", PASSWORD), null);
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    String token = login.data().getString("access_token");
    Path idsFile = tmp.resolve("spread.ids");
    Files.write(idsFile, ids);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = tmp.resolve("smoke.log");
    Process p = new ProcessBuilder(java, "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
        "-cp", System.getProperty("java.class.path"), "bench/Bench.java", "smoke", "--url", app.api.base,
        "--token", token, "--ids", idsFile.toString(), "--out", tmp.toString(), "--seconds", "1")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = p.waitFor(120, TimeUnit.SECONDS);
    if (!exited) p.destroyForcibly();
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(exited).as(output).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("| figure | service | ceiling | ratio | target |");

    JsonObject json = new JsonObject(Files.readString(tmp.resolve("smoke.json")));
    JsonObject figures = json.getJsonObject("figures");
    JsonArray rows = json.getJsonArray("rows");
    assertThat(rows).isNotEmpty();
    for (Object o : rows) {
      JsonObject row = (JsonObject) o;
      assertThat(row.fieldNames()).contains("figure", "service", "ceiling", "ratio", "target", "met");
    }
    JsonObject me = row(rows, "me_rps");
    assertThat(me.getDouble("service")).isPositive();
    assertThat(me.getDouble("ceiling")).isPositive(); // the bare hello server
    assertThat(me.getDouble("ratio")).isPositive();
    assertThat(row(rows, "login_rps").getDouble("ceiling")).isPositive(); // raw Argon2id
    assertThat(figures.getLong("me_requests")).isPositive();
    assertThat(figures.getLong("me_non2xx")).isZero();
    assertThat(row(rows, "spread_rps").getDouble("service")).isPositive();
    // only successes are counted, and each one is a posted payment with its ledger row
    long ok = figures.getLong("spread_ok");
    assertThat(ok).isPositive();
    try (Connection c = TestDatabase.jdbc(app.dbUrl); Statement st = c.createStatement()) {
      assertThat(count(st, "SELECT count(*) FROM payments.user_payments WHERE description LIKE 'bench spread %'"
          + " AND status = 'COMPLETED'")).isEqualTo(ok);
      assertThat(count(st, "SELECT count(*) FROM payments.transactions WHERE description LIKE 'bench spread %'"))
          .isEqualTo(ok);
    }
  }

  static JsonObject row(JsonArray rows, String serviceKey) {
    for (Object o : rows) {
      if (serviceKey.equals(((JsonObject) o).getString("service_key"))) return (JsonObject) o;
    }
    throw new AssertionError("no row for " + serviceKey + " in " + rows.encode());
  }

  static long count(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The statements of a plain SQL script (no dollar quoting in bench/seed.sql): split at a ';' ending a line. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : script.split("\n")) {
      if (line.strip().startsWith("--")) continue;
      cur.append(line).append('\n');
      if (line.strip().endsWith(";")) {
        out.add(cur.toString().strip().replaceAll(";$", ""));
        cur.setLength(0);
      }
    }
    if (!cur.toString().isBlank()) out.add(cur.toString().strip());
    return out;
  }
}
