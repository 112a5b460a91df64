package com.ledger.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.bus.ApiRequest;
import com.ledger.support.TestApp;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every operationId of openapi.yaml is answered: by the HTTP verticle itself or by a consumer on the bus. */
class ContractCoverageTest {
  static final Set<String> SERVED_BY_HTTP = Set.of("health.check", "health.detailed", "health.ready", "health.live",
      "metrics.scrape", "metrics.health", "docs.ui", "docs.openapi-json", "docs.openapi-yaml", "problems.list",
      "problems.get", "problems.by-category");

  @Test
  void every_operation_has_a_consumer_when_a_node_runs_all_roles() {
    try (TestApp app = TestApp.start()) {
      JsonObject paths = app.api.get("/api/docs/openapi.json", null).json().getJsonObject("paths");
      List<String> ids = new ArrayList<>();
      paths.forEach(p -> ((JsonObject) p.getValue()).forEach(m -> {
        if (m.getValue() instanceof JsonObject op && op.containsKey("operationId")) ids.add(op.getString("operationId"));
      }));
      assertThat(ids).hasSizeGreaterThanOrEqualTo(53);
      List<String> unserved = new ArrayList<>();
      for (String id : ids) {
        if (SERVED_BY_HTTP.contains(id)) continue;
        // an anonymous, empty request: every handler must answer (a failure is fine), none may be missing
        ApiRequest probe = new ApiRequest(id, null, new JsonObject(), new JsonObject(), new JsonObject(),
            new JsonObject(), "", "coverage-probe", "127.0.0.1", "GET", "/", null);
        try {
          app.app.vertx().eventBus().request(id, probe.toJson(), new DeliveryOptions().setSendTimeout(5000)).await();
        } catch (ReplyException e) {
          if (e.failureType() != ReplyFailure.RECIPIENT_FAILURE) unserved.add(id + " (" + e.failureType() + ")");
        }
      }
      assertThat(unserved).as("operations without a consumer").isEmpty();
      app.assertLedgerVerifies();
    }
  }
}
