package com.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.TestApp;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A started node: the ready banner says where things are, the served contract works on any host name. */
class ReadyTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("sandbox_bank.admin_endpoints", false));
  }

  @AfterAll
  static void stop() {
    if (app != null) app.verifyLedgerAndClose();
  }

  @Test
  void the_banner_lists_the_urls_roles_cluster_and_database() {
    String base = "http://127.0.0.1:" + app.port;
    int sandbox = app.app.config().sandbox().port();
    assertThat(Banner.rows(app.app)).containsEntry("api", base + "/api").containsEntry("docs", base + "/api/docs")
        .containsEntry("health", base + "/api/health/ready").containsEntry("metrics", base + "/api/metrics")
        .containsEntry("sandbox", "http://127.0.0.1:" + sandbox).containsEntry("roles", "all")
        .containsEntry("cluster", "off (single node)").containsEntry("database", app.dbUrl)
        .doesNotContainKey("logins");  // not dev
    assertThat(Banner.text(app.app)).startsWith("LedgerBank 1.0.0 ready in ").contains("\n  api       " + base + "/api");
    for (String url : new String[] {base + "/api/health/ready", base + "/api/docs", base + "/api/metrics"}) {
      assertThat(new Api(url).get("", null).status()).as(url).isEqualTo(200);
    }
  }

  @Test
  void the_served_contract_points_at_the_host_it_was_loaded_from() {
    Api.Resp json = app.api.get("/api/docs/openapi.json", null);
    assertThat(json.status()).isEqualTo(200);
    assertThat(json.json().getJsonArray("servers").getJsonObject(0).getString("url")).isEqualTo("/");
    Api.Resp yaml = app.api.get("/api/docs/openapi.yaml", null);
    assertThat(yaml.body()).contains("\nservers:\n  - url: /\n").doesNotContain("localhost:4000");
  }

  @Test
  void sandbox_admin_endpoints_are_off_when_not_asked_for() {
    int sandbox = app.app.config().sandbox().port();
    assertThat(Api.unchecked("http://127.0.0.1:" + sandbox).get("/sandbox/admin/state", null).status()).isEqualTo(404);
  }
}
