package com.ledger.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The build parses the packaged YAML once ({@link ParsedYaml}); a start takes that parse for the same text, and it
 * must be exactly what parsing the YAML gives. Any other text is parsed as YAML, as before.
 */
class ParsedYamlTest {

  @Test
  void the_build_parsed_the_packaged_defaults_and_contract_exactly_as_yaml_parsing_does() throws IOException {
    for (String packaged : new String[] {ConfigLoader.DEFAULTS, "openapi.yaml"}) {
      String text = resource(packaged);
      JsonObject byBuild = ParsedYaml.lookup(text).orElseThrow(() -> new AssertionError(packaged + " was not parsed "
          + "by the build (exec-maven-plugin's parse-packaged-yaml in pom.xml)"));
      JsonObject byYaml = ConfigLoader.parseYaml(text, packaged, "test");
      assertThat(byBuild.encode()).as(packaged).isEqualTo(byYaml.encode());
      assertThat(ConfigLoader.parse(text, packaged, "test")).isEqualTo(byYaml);
    }
    assertThat(ConfigLoader.defaults().getJsonObject("http").getInteger("port")).isEqualTo(4000);
  }

  @Test
  void a_text_the_build_did_not_see_is_parsed_as_yaml() throws IOException {
    String edited = resource(ConfigLoader.DEFAULTS).replace("port: 4000", "port: 4010");
    assertThat(ParsedYaml.lookup(edited)).isEmpty();
    assertThat(ConfigLoader.parse(edited, "edited.yaml", "conf").getJsonObject("http").getInteger("port"))
        .isEqualTo(4010);
    assertThatThrownBy(() -> ConfigLoader.parse("http: [unclosed", "bad.yaml", "conf"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("bad.yaml").hasMessageContaining("line 1");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ParsedYamlTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
