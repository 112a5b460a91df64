package com.ledger;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ledger.platform.config.ConfigException;
import com.ledger.support.TestApp;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every slice is parsed, and the listeners' ports checked, before anything starts. */
class BootCheckTest {

  static com.ledger.platform.config.AppConfig config(Map<String, Object> overrides) {
    Map<String, Object> o = new HashMap<>(TestApp.settings(overrides));
    o.put("db.url", "postgresql://postgres@127.0.0.1:1/unused");
    return TestApp.config(o);
  }

  @Test
  void a_bad_value_in_any_slice_names_its_key() {
    assertThatThrownBy(() -> BootCheck.run(config(Map.of("jobs.heartbeat_seconds", 40))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("jobs.heartbeat_seconds (LEDGER_JOBS_HEARTBEAT_SECONDS)");
    assertThatThrownBy(() -> BootCheck.run(config(Map.of("jobs.queues", "payments:0"))))
        .hasMessageStartingWith("jobs.queues (LEDGER_JOBS_QUEUES)");
    assertThatThrownBy(() -> BootCheck.run(config(Map.of("payments.savings_daily_limit", "-1"))))
        .hasMessageStartingWith("payments.savings_daily_limit");
    assertThatThrownBy(() -> BootCheck.run(config(Map.of("banksync.job_max_attempts", 0))))
        .hasMessageStartingWith("banksync.job_max_attempts");
    assertThatThrownBy(() -> BootCheck.run(config(Map.of("auth.login_throttle.window_seconds", 0))))
        .hasMessageStartingWith("auth.login_throttle.window_seconds");
    assertThatThrownBy(() -> BootCheck.run(config(Map.of("sandbox_bank.error_rate", 2))))
        .hasMessageStartingWith("sandbox_bank.error_rate");
    assertThatThrownBy(() -> BootCheck.run(config(Map.of("bank.token_key", "not-base64!"))))
        .hasMessageStartingWith("bank.token_key");
    assertThatCode(() -> BootCheck.run(config(Map.of()))).doesNotThrowAnyException();
  }

  @Test
  void a_port_in_use_names_the_key_and_the_address() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> BootCheck.run(config(Map.of("http.port", port))))
          .isInstanceOf(ConfigException.class)
          .hasMessage("http.port (LEDGER_HTTP_PORT): 127.0.0.1:" + port
              + " is already in use (another process listens there: stop it, or choose another port)");
      assertThatThrownBy(() -> BootCheck.run(config(Map.of("sandbox_bank.port", port))))
          .hasMessageStartingWith("sandbox_bank.port (LEDGER_SANDBOX_BANK_PORT): 127.0.0.1:" + port + " is already in use");
      assertThatCode(() -> BootCheck.run(config(Map.of("http.port", port, "roles",
          new io.vertx.core.json.JsonArray().add("payment-worker"))))).as("a worker-only node listens on no API port")
          .doesNotThrowAnyException();
    }
  }
}
