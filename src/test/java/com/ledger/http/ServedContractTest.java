package com.ledger.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ServedContractTest {
  @Test
  void only_the_top_level_servers_block_changes() {
    String yaml = """
        openapi: 3.1.0
        info:
          title: T
        servers:
          - url: http://localhost:4000
            description: Local

          - url: https://api.example.com
        security:
          - bearerAuth: []
        paths:
          /x:
            get:
              servers:
                - url: http://kept.example
        """;
    assertThat(ServedContract.yaml(yaml)).isEqualTo("""
        openapi: 3.1.0
        info:
          title: T
        servers:
          - url: /
            description: This server (the host this document was loaded from)
        security:
          - bearerAuth: []
        paths:
          /x:
            get:
              servers:
                - url: http://kept.example
        """);
    assertThat(ServedContract.yaml("openapi: 3.1.0\n")).isEqualTo("openapi: 3.1.0\n");
  }

  @Test
  void the_json_form_gets_the_same_servers() {
    JsonObject c = new JsonObject().put("openapi", "3.1.0").put("servers", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("url", "http://localhost:4000")));
    JsonObject served = ServedContract.json(c);
    assertThat(served.getJsonArray("servers").getJsonObject(0).getString("url")).isEqualTo("/");
    assertThat(c.getJsonArray("servers").getJsonObject(0).getString("url")).as("the router's copy").isEqualTo("http://localhost:4000");
  }
}
