package com.ledger.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ledger.support.Api;
import com.ledger.support.ContractConformance;
import com.ledger.support.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The response-validation layer every end-to-end test runs through ({@link ContractConformance}, wired into
 * {@link Api}): it passes what the contract promises and catches drift — a wrong status, Content-Type, header or body.
 */
class ContractConformanceTest {
  static final ContractConformance CONTRACT = ContractConformance.shared();
  static final Map<String, String> JSON = Map.of("content-type", "application/json");
  static final Map<String, String> PROBLEM = Map.of("content-type", "application/problem+json");

  static String problem(String reason, int status) {
    JsonObject core = new JsonObject().put("type", "https://api.ledgerbank.com/problems/" + reason).put("title", "T")
        .put("status", status).put("code", status).put("reason", reason).put("category", "validation")
        .put("retryable", false).put("timestamp", "2025-10-10T12:00:00Z").put("message", "T").put("instance", "c")
        .put("details", new JsonObject());
    return core.copy().put("detail", "d").put("error", core).encode();
  }

  static String user(String email) {
    return new JsonObject().put("data", new JsonObject().put("id", "0b6f1f8e-3c1a-4a57-9a39-2b2e6f0d9c11")
        .put("email", email).put("full_name", "A").put("status", "ACTIVE").put("role", "user").put("active", true)
        .put("verified", false).put("suspended", false).put("deleted", false)
        .put("inserted_at", "2025-10-10T12:00:00Z").put("updated_at", "2025-10-10T12:00:00Z"))
        .put("success", true).put("timestamp", "2025-10-10T12:00:00Z").put("correlation_id", "c")
        .put("metadata", new JsonObject()).encode();
  }

  @Test
  void conforming_responses_pass() {
    assertThat(CONTRACT.violations("GET", "/api/profile", 200, JSON, user("josé.garcía@example.com"))).isEmpty();
    assertThat(CONTRACT.violations("POST", "/api/auth/login", 415, PROBLEM, problem("unsupported_media_type", 415)))
        .isEmpty();
    assertThat(CONTRACT.violations("GET", "/api/nowhere?x=1", 404, PROBLEM, problem("resource_not_found", 404))).isEmpty();
    assertThat(CONTRACT.violations("PATCH", "/api/auth/login", 405, Map.of("content-type", "application/problem+json",
        "allow", "POST"), problem("method_not_allowed", 405))).isEmpty();
    assertThat(CONTRACT.violations("OPTIONS", "/api/anything", 204, Map.of(), "")).isEmpty();
  }

  @Test
  void drift_is_caught() {
    List<String> v;
    v = CONTRACT.violations("GET", "/api/health", 418, JSON, "{}");
    assertThat(v).singleElement().asString().contains("status 418 is not declared by health.check");
    v = CONTRACT.violations("POST", "/api/auth/login", 400, JSON, problem("missing_fields", 400));
    assertThat(v).singleElement().asString().contains("Content-Type application/json is not one of");
    v = CONTRACT.violations("GET", "/api/profile", 200, JSON, user("not-an-email"));
    assertThat(v).singleElement().asString().contains("body").contains("email");
    v = CONTRACT.violations("GET", "/api/profile", 200, JSON, new JsonObject(user("a@b.co")).put("success", "yes").encode());
    assertThat(v).singleElement().asString().contains("success");
    v = CONTRACT.violations("GET", "/api/health", 429, Map.of("content-type", "application/problem+json",
        "x-rate-limit-limit", "lots"), problem("rate_limit_exceeded", 429));
    assertThat(v).singleElement().asString().contains("x-rate-limit-limit");
    v = CONTRACT.violations("PATCH", "/api/auth/login", 405, PROBLEM, problem("method_not_allowed", 405));
    assertThat(v).singleElement().asString().contains("Allow");
    v = CONTRACT.violations("GET", "/api/nowhere", 200, JSON, "{}");
    assertThat(v).singleElement().asString().contains("an unknown path answered 200");
    v = CONTRACT.violations("GET", "/api/nowhere", 404, PROBLEM, "{\"reason\": 7}");
    assertThat(v).singleElement().asString().contains("body");
  }

  @Test
  void the_shared_client_fails_a_test_on_a_drifting_server() {
    Vertx vertx = Vertx.vertx();
    try {
      int port = TestApp.freePort();
      HttpServer stub = vertx.createHttpServer().requestHandler(req -> req.response()
          .putHeader("content-type", "application/json").end("{\"status\": 42}")).listen(port, "127.0.0.1").await();
      Api api = new Api("http://127.0.0.1:" + port);
      assertThatThrownBy(() -> api.get("/api/health", null)).isInstanceOf(AssertionError.class)
          .hasMessageContaining("Contract violation: GET /api/health → 200").hasMessageContaining("status");
      // the same server is fine for a client that does not speak to LedgerBank
      assertThat(Api.unchecked("http://127.0.0.1:" + port).get("/api/health", null).status()).isEqualTo(200);
      stub.close().await();
    } finally {
      vertx.close().await();
    }
  }
}
