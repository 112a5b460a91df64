package com.ledger.platform;

import static org.assertj.core.api.Assertions.assertThat;

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
