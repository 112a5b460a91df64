package com.ledger.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.ConfigException;
import com.ledger.platform.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  static final String SECRET = "s".repeat(64);

  @Test
  void defaults_load_and_describe_a_dev_node() {
    AppConfig cfg = AppConfig.from(ConfigLoader.load(null, Map.of()));
    assertThat(cfg.env()).isEqualTo("dev");
    assertThat(cfg.http().port()).isEqualTo(4000);
    assertThat(cfg.hasRole("payments")).isTrue();
    assertThat(cfg.cluster().enabled()).isFalse();
    assertThat(cfg.seedDemoData()).isTrue();
  }

  @Test
  void environment_overrides_every_known_key() {
    AppConfig cfg = AppConfig.from(ConfigLoader.load(null, Map.of(
        "LEDGER_HTTP_PORT", "4321",
        "LEDGER_DB_URL", "postgresql://u:p%40ss@db.example:6543/ledger",
        "LEDGER_CLUSTER_ENABLED", "true",
        "LEDGER_CLUSTER_MEMBERS", "10.0.0.1, 10.0.0.2",
        "LEDGER_ROLES", "http,payment-worker",
        "LEDGER_RATE_LIMIT_MAX_REQUESTS", "7",
        "LEDGER_APP_ENV", "prod",
        "LEDGER_JWT_SECRET", SECRET)));
    assertThat(cfg.http().port()).isEqualTo(4321);
    assertThat(cfg.db().url()).isEqualTo("postgresql://u:p%40ss@db.example:6543/ledger");
    assertThat(cfg.cluster().enabled()).isTrue();
    assertThat(cfg.cluster().members()).containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(cfg.roles()).containsExactlyInAnyOrder("http", "payment-worker");
    assertThat(cfg.hasRole("payments")).isFalse();
    assertThat(cfg.http().rateLimitMax()).isEqualTo(7);
    assertThat(cfg.jwt().secret()).isEqualTo(SECRET);
  }

  @Test
  void a_conf_file_is_merged_over_the_defaults(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("node.yaml");
    Files.writeString(f, "http:\n  port: 5555\nroles: [http]\n");
    AppConfig cfg = AppConfig.from(ConfigLoader.load(f, Map.of()));
    assertThat(cfg.http().port()).isEqualTo(5555);
    assertThat(cfg.http().bodyLimitBytes()).isEqualTo(1_048_576);
    assertThat(cfg.roles()).containsExactly("http");
  }

  @Test
  void bad_values_name_their_key() {
    assertThatThrownBy(() -> AppConfig.from(ConfigLoader.load(null, Map.of("LEDGER_HTTP_PORT", "70000"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("http.port (LEDGER_HTTP_PORT)");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("LEDGER_HTTP_PORT", "eighty")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("http.port");
    assertThatThrownBy(() -> AppConfig.from(ConfigLoader.load(null, Map.of("LEDGER_APP_ENV", "prod"))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("jwt.secret (LEDGER_JWT_SECRET)");
    assertThatThrownBy(() -> AppConfig.from(ConfigLoader.load(null,
        Map.of("LEDGER_APP_ENV", "test", "LEDGER_JWT_SECRET", "short"))))
        .hasMessageContaining("at least 64 characters");
    assertThatThrownBy(() -> AppConfig.from(ConfigLoader.load(null, Map.of("LEDGER_DB_URL", "jdbc:postgresql://x/y"))))
        .hasMessageStartingWith("db.url");
    assertThatThrownBy(() -> AppConfig.from(ConfigLoader.load(null, Map.of("LEDGER_ROLES", "http,bogus"))))
        .hasMessageStartingWith("roles");
    assertThatThrownBy(() -> AppConfig.from(ConfigLoader.load(null, Map.of("LEDGER_CLUSTER_ENABLED", "maybe"))))
        .hasMessageStartingWith("cluster.enabled");
  }

  /** Every context's slice is parsed by {@link AppConfig#from} itself, once: a bad value in any of them stops it. */
  @Test
  void every_slice_is_parsed_once_into_its_record() {
    AppConfig cfg = AppConfig.from(ConfigLoader.load(null, Map.of("LEDGER_PAYMENTS_SAVINGS_DAILY_LIMIT", "750.50",
        "LEDGER_JOBS_QUEUES", "payments:4", "LEDGER_AUTH_LOGIN_THROTTLE_MAX_FAILURES", "9",
        "LEDGER_WEBHOOKS_BANK_SECRET", "b", "LEDGER_MANAGEMENT_PORT", "4999")));
    assertThat(cfg.payments().dailyLimit("SAVINGS")).isEqualByComparingTo("750.50");
    assertThat(cfg.jobs().concurrency("payments")).isEqualTo(4);
    assertThat(cfg.jobsOverview().queues()).containsExactly("payments");
    assertThat(cfg.auth().loginMaxFailures()).isEqualTo(9);
    assertThat(cfg.webhooks().bankSecret()).isEqualTo("b");
    assertThat(cfg.managementPort()).isEqualTo(4999);
    for (var bad : Map.of("LEDGER_JOBS_HEARTBEAT_SECONDS", "jobs.heartbeat_seconds",
        "LEDGER_JOBS_STALE_AFTER_SECONDS", "jobs.stale_after_seconds", "LEDGER_MANAGEMENT_PORT", "management.port",
        "LEDGER_PAYMENTS_LEDGER_VERIFY_INTERVAL_MS", "payments.ledger_verify_interval_ms",
        "LEDGER_SANDBOX_BANK_PORT", "sandbox_bank.port", "LEDGER_BANK_RETRIES", "bank.retries",
        "LEDGER_BANKSYNC_JOB_MAX_ATTEMPTS", "banksync.job_max_attempts",
        "LEDGER_AUTH_STATUS_CACHE_MS", "auth.status_cache_ms",
        "LEDGER_AUTH_PASSWORD_HASH_THREADS", "auth.password.hash_threads").entrySet()) {
      assertThatThrownBy(() -> AppConfig.from(ConfigLoader.load(null, Map.of(bad.getKey(), "-5"))))
          .isInstanceOf(ConfigException.class).hasMessageStartingWith(bad.getValue() + " (" + bad.getKey() + ")");
    }
  }
}
