package com.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CliTest {
  @Test
  void options_are_recognised() throws Exception {
    assertThat(Cli.parse()).isEqualTo(new Cli(false, false, null));
    assertThat(Cli.parse("-h").help()).isTrue();
    assertThat(Cli.parse("--help").help()).isTrue();
    assertThat(Cli.parse("-V").version()).isTrue();
    assertThat(Cli.parse("--version").version()).isTrue();
    assertThat(Cli.parse("--conf", "a.yaml").conf()).isEqualTo(Path.of("a.yaml"));
    assertThat(Cli.parse("--conf=b.yaml").conf()).isEqualTo(Path.of("b.yaml"));
  }

  @Test
  void anything_else_is_a_usage_error() {
    assertThatThrownBy(() -> Cli.parse("--port", "1")).isInstanceOf(Cli.Invalid.class).hasMessage("unknown option: --port");
    assertThatThrownBy(() -> Cli.parse("run")).hasMessage("unexpected argument: run");
    assertThatThrownBy(() -> Cli.parse("--conf")).hasMessage("--conf needs a file");
    assertThatThrownBy(() -> Cli.parse("--conf=")).hasMessage("unknown option: --conf=");
  }

  @Test
  void the_version_names_the_app_vertx_and_java() {
    assertThat(Cli.versionText()).matches("LedgerBank \\S+ \\(Vert\\.x 5\\.\\S+, Java \\S+\\)");
  }
}
