package com.ledger.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader's newcomer-facing behaviour: LEDGER_CONF, YAML errors with a position, typos, the help table. */
class ConfigLoaderTest {
  static final String SECRET = "s".repeat(64);

  @Test
  void ledger_conf_names_the_file_and_conf_wins_over_it(@TempDir Path dir) throws Exception {
    Path viaEnv = Files.writeString(dir.resolve("env.yaml"), "http:\n  port: 5001\n");
    Path viaArg = Files.writeString(dir.resolve("arg.yaml"), "http:\n  port: 5002\n");
    assertThat(AppConfig.from(ConfigLoader.load(null, Map.of("LEDGER_CONF", viaEnv.toString()))).http().port())
        .isEqualTo(5001);
    assertThat(AppConfig.from(ConfigLoader.load(viaArg, Map.of("LEDGER_CONF", viaEnv.toString()))).http().port())
        .isEqualTo(5002);
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("LEDGER_CONF", dir.resolve("missing.yaml").toString())))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("conf (LEDGER_CONF): file not found")
        .hasMessageContaining("missing.yaml");
  }

  @Test
  void a_yaml_syntax_error_names_file_line_and_column(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("broken.yaml"), "http:\n  port: 5001\nroles: [http, users\nseed_demo_data: x\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("conf (LEDGER_CONF): invalid YAML in " + f + " at line 4, column 15")
        .hasMessageContaining("flow sequence started at line 3, column 8")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void unknown_variables_are_warned_with_the_closest_known_name() {
    assertThat(ConfigLoader.unknownVariables(Map.of("LEDGER_HTTP_PROT", "1234", "LEDGER_HTTP_PORT", "1",
        "LEDGER_JWT_SECERT", "x", "LEDGER_CONF", "f", "LEDGER_TEST_DB_URL", "u", "PATH", "/bin",
        "LEDGER_SOMETHING_ELSE_ENTIRELY", "1")))
        .containsExactly(
            "LEDGER_HTTP_PROT is not a known setting; did you mean LEDGER_HTTP_PORT?",
            "LEDGER_JWT_SECERT is not a known setting; did you mean LEDGER_JWT_SECRET?",
            "LEDGER_SOMETHING_ELSE_ENTIRELY is not a known setting (bin/ledger run --help lists them)");
  }

  @Test
  void unknown_keys_of_a_conf_file_are_warned(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("node.yaml"), "htpp:\n  port: 1\njobs:\n  lease_secs: 3\n  queues: a:1\n");
    assertThat(ConfigLoader.unknownKeys(f, Map.of())).containsExactly(
        f + ": htpp.port is not a known setting; did you mean http.port?",
        f + ": jobs.lease_secs is not a known setting; did you mean jobs.lease_seconds?");
  }

  @Test
  void edit_distance_counts_a_swap_as_one() {
    assertThat(ConfigLoader.distance("PROT", "PORT")).isEqualTo(1);
    assertThat(ConfigLoader.distance("PORT", "PORT")).isZero();
    assertThat(ConfigLoader.distance("", "abc")).isEqualTo(3);
    assertThat(ConfigLoader.distance("kitten", "sitting")).isEqualTo(3);
  }

  @Test
  void switches_with_an_auto_default_follow_the_environment() {
    AppConfig dev = AppConfig.from(ConfigLoader.load(null, Map.of()));
    AppConfig prod = AppConfig.from(ConfigLoader.load(null, Map.of("LEDGER_APP_ENV", "prod", "LEDGER_JWT_SECRET", SECRET)));
    assertThat(dev.seedDemoData()).isTrue();
    assertThat(prod.seedDemoData()).isFalse();
    assertThat(AppConfig.from(ConfigLoader.load(null, Map.of("LEDGER_APP_ENV", "prod", "LEDGER_JWT_SECRET", SECRET,
        "LEDGER_SEED_DEMO_DATA", "true"))).seedDemoData()).isTrue();
    assertThat(dev.log().json()).isFalse();
    assertThat(prod.log().json()).isTrue();
    assertThat(AppConfig.from(ConfigLoader.load(null, Map.of("LEDGER_LOG_FORMAT", "json"))).log().json()).isTrue();
    assertThat(dev.db().embedded()).isEqualTo(Toggle.AUTO);
    assertThat(dev.db().embeddedDir()).isEqualTo("data/postgres");
  }

  @Test
  void new_keys_are_checked_and_name_themselves() {
    assertThatThrownBy(() -> AppConfig.from(ConfigLoader.load(null, Map.of("LEDGER_DB_EMBEDDED", "sometimes"))))
        .hasMessage("db.embedded (LEDGER_DB_EMBEDDED): must be auto, true or false, got 'sometimes'");
    assertThatThrownBy(() -> AppConfig.from(ConfigLoader.load(null, Map.of("LEDGER_LOG_LEVEL", "loud"))))
        .hasMessageStartingWith("log.level (LEDGER_LOG_LEVEL): must be one of trace, debug, info, warn, error, off");
    assertThatThrownBy(() -> AppConfig.from(ConfigLoader.load(null, Map.of("LEDGER_SEED_DEMO_DATA", "yes"))))
        .hasMessageStartingWith("seed_demo_data (LEDGER_SEED_DEMO_DATA)");
  }

  @Test
  void the_help_lists_every_key_with_its_default() {
    var vars = ConfigHelp.variables();
    assertThat(vars).extracting(ConfigHelp.Variable::key).containsExactlyElementsOf(ConfigLoader.knownKeys());
    assertThat(vars).filteredOn(v -> v.key().equals("http.port")).singleElement()
        .satisfies(v -> {
          assertThat(v.name()).isEqualTo("LEDGER_HTTP_PORT");
          assertThat(v.dflt()).isEqualTo("4000");
          assertThat(v.meaning()).isEqualTo("API port");
        });
    assertThat(vars).filteredOn(v -> v.key().equals("roles")).singleElement()
        .satisfies(v -> assertThat(v.dflt()).isEqualTo("all"));
    String table = ConfigHelp.table();
    assertThat(table).contains("LEDGER_JOBS_HEARTBEAT_SECONDS").contains("LEDGER_DB_EMBEDDED").contains("LEDGER_CONF");
  }
}
