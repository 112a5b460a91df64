package com.ledger.http;

import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.Api.Resp;
import com.ledger.support.TestApp;
import com.ledger.support.TestUsers;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP edge over real sockets: envelope-less errors, limits, headers, CORS, docs, problems registry. */
class HttpEdgeTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start();
  }

  @AfterAll
  static void stop() {
    app.verifyLedgerAndClose();
  }

  @Test
  void unknown_route_is_404_problem() {
    assertProblem(app.api.get("/api/nothing/here", null), 404, "resource_not_found");
  }

  @Test
  void wrong_method_is_405_with_allow_from_the_contract() {
    Resp r = app.api.send("PATCH", "/api/auth/login", "{}", null, Map.of());
    assertProblem(r, 405, "method_not_allowed");
    assertThat(r.header("allow")).isEqualTo("POST");
    Resp byId = app.api.send("PATCH", "/api/payments/7f7c1d2e-1111-4222-8333-944455556666", null, null, Map.of());
    assertThat(byId.header("allow")).isEqualTo("DELETE, GET");
    // a trailing slash is the same resource to the router, so it gets the same Allow
    Resp slash = app.api.send("DELETE", "/api/users/", null, null, Map.of());
    assertProblem(slash, 405, "method_not_allowed");
    assertThat(slash.header("allow")).isEqualTo("GET, POST");
  }

  @Test
  void only_bodies_of_2_kib_or_more_are_gzipped() {
    Api raw = Api.unchecked(app.api.base);  // a gzipped body is not JSON
    Map<String, String> gzip = Map.of("Accept-Encoding", "gzip");
    Resp small = raw.send("GET", "/api/health", null, null, gzip);
    assertThat(small.status()).isEqualTo(200);
    assertThat(small.body().length()).isLessThan(HttpVerticle.COMPRESS_FROM_BYTES);
    assertThat(small.header("content-encoding")).as("a small answer is sent as it is").isNull();
    assertThat(new JsonObject(small.body()).getString("status")).isNotBlank();
    Resp large = raw.send("GET", "/api/docs/openapi.yaml", null, null, gzip);
    assertThat(large.status()).isEqualTo(200);
    assertThat(large.header("content-encoding")).as("the contract (large) is compressed").isEqualTo("gzip");
    Resp plain = raw.send("GET", "/api/docs/openapi.yaml", null, null, Map.of());
    assertThat(plain.header("content-encoding")).as("not without Accept-Encoding").isNull();
    assertThat(plain.body()).startsWith("openapi:");
  }

  @Test
  void malformed_json_is_400_invalid_json_body() {
    assertProblem(app.api.post("/api/auth/login", "{\"email\": ", null), 400, "invalid_json_body");
  }

  @Test
  void non_json_content_type_is_415() {
    Resp r = app.api.send("POST", "/api/auth/login", "email=a", null, Map.of("Content-Type", "text/plain"));
    assertProblem(r, 415, "unsupported_media_type");
  }

  @Test
  void contract_violation_names_the_field() {
    Resp r = app.api.post("/api/auth/login", new JsonObject().put("email", 42).put("password", "x"), null);
    assertProblem(r, 400, "invalid_email_format");
    assertThat(r.json().getJsonObject("details").getString("field")).isEqualTo("email");

    var user = TestUsers.insert(app, "user");
    Resp id = app.api.get("/api/payments/not-a-uuid", user.token());
    assertProblem(id, 400, "invalid_uuid_format");
    assertThat(id.json().getJsonObject("details").getString("field")).isEqualTo("id");
  }

  @Test
  void body_over_the_limit_is_413() {
    String big = "{\"email\":\"" + "a".repeat(1_100_000) + "\"}";
    assertProblem(app.api.post("/api/auth/login", big, null), 413, "request_body_too_large");
  }

  @Test
  void uri_over_2048_bytes_is_414() {
    assertProblem(app.api.get("/api/problems?x=" + "a".repeat(2100), null), 414, "request_uri_too_long");
  }

  @Test
  void headers_over_8192_bytes_are_413() throws Exception {
    // JDK HttpClient refuses such headers itself, so speak HTTP/1.1 on a raw socket.
    String req = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(9000)
        + "\r\nConnection: close\r\n\r\n";
    try (Socket s = new Socket("127.0.0.1", app.port)) {
      OutputStream out = s.getOutputStream();
      out.write(req.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String resp = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(resp).startsWith("HTTP/1.1 413");
      assertThat(resp).contains("request_headers_too_large").containsIgnoringCase("application/problem+json");
    }
  }

  @Test
  void correlation_id_is_echoed_or_generated() {
    Resp given = app.api.send("GET", "/api/problems", null, null, Map.of("X-Correlation-ID", "client-abc-123"));
    assertThat(given.header("x-correlation-id")).isEqualTo("client-abc-123");
    assertThat(given.json().getString("correlation_id")).isEqualTo("client-abc-123");
    Resp generated = app.api.get("/api/problems", null);
    assertThat(generated.header("x-correlation-id")).matches("[0-9a-f]{32}");
    assertThat(generated.header("x-request-id")).matches("[0-9a-f]{32}");
    Resp insane = app.api.send("GET", "/api/problems", null, null, Map.of("X-Correlation-ID", "x".repeat(200)));
    assertThat(insane.header("x-correlation-id")).matches("[0-9a-f]{32}");
    Resp error = app.api.send("GET", "/api/nope", null, null, Map.of("X-Correlation-ID", "err-1"));
    assertThat(error.json().getString("instance")).isEqualTo("err-1");
  }

  @Test
  void security_headers_on_success_and_error() {
    for (Resp r : new Resp[] {app.api.get("/api/health", null), app.api.get("/api/missing", null)}) {
      assertThat(r.header("x-content-type-options")).isEqualTo("nosniff");
      assertThat(r.header("x-frame-options")).isEqualTo("DENY");
      assertThat(r.header("x-xss-protection")).isEqualTo("1; mode=block");
      assertThat(r.header("referrer-policy")).isEqualTo("strict-origin-when-cross-origin");
      assertThat(r.header("permissions-policy")).isEqualTo("geolocation=(), microphone=(), camera=()");
      assertThat(r.header("content-security-policy")).startsWith("default-src 'none'");
      assertThat(r.header("strict-transport-security")).isNull();
      assertThat(r.header("x-api-version")).isEqualTo("1");
    }
  }

  @Test
  void unsupported_api_version_is_400() {
    assertProblem(app.api.send("GET", "/api/problems", null, null, Map.of("X-API-Version", "2")), 400,
        "unsupported_api_version");
    assertThat(app.api.send("GET", "/api/problems", null, null, Map.of("Accept", "application/json;version=v1"))
        .status()).isEqualTo(200);
  }

  @Test
  void cors_preflight_and_allow_list() {
    Resp pre = app.api.send("OPTIONS", "/api/payments", null, null,
        Map.of("Origin", "http://localhost:3000", "Access-Control-Request-Method", "POST"));
    assertThat(pre.status()).isEqualTo(204);
    assertThat(pre.header("access-control-allow-origin")).isEqualTo("http://localhost:3000");
    assertThat(pre.header("access-control-allow-credentials")).isEqualTo("true");
    assertThat(pre.header("vary")).contains("Origin");
    assertThat(pre.header("access-control-allow-methods")).isEqualTo("GET, POST, PUT, DELETE, PATCH, OPTIONS");
    assertThat(pre.header("access-control-allow-headers")).contains("idempotency-key").contains("prefer");
    assertThat(pre.header("access-control-max-age")).isEqualTo("86400");
    Resp other = app.api.send("OPTIONS", "/api/anything", null, null, Map.of("Origin", "https://evil.example"));
    assertThat(other.status()).isEqualTo(204);
    assertThat(other.header("access-control-allow-origin")).isEqualTo("*");
    assertThat(other.header("access-control-allow-credentials")).isNull();
  }

  @Test
  void health_routes() {
    Resp h = app.api.get("/api/health", null);
    assertThat(h.status()).isEqualTo(200);
    assertThat(h.json().getString("status")).isEqualTo("ok");
    assertThat(h.json().getString("version")).isEqualTo("1.0.0");
    assertThat(h.json().getLong("uptime")).isNotNegative();
    Resp live = app.api.get("/api/health/live", null);
    assertThat(live.json().getString("status")).isEqualTo("alive");
    Resp ready = app.api.get("/api/health/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getJsonObject("checks").getMap()).containsEntry("database", "ok")
        .containsEntry("application", "ok").containsEntry("migrations", "ok").containsEntry("verticles", "ok");
    Resp detailed = app.api.get("/api/health/detailed", null);
    assertThat(detailed.status()).as(detailed.body()).isEqualTo(200);
    JsonObject d = detailed.json();
    assertThat(d.getJsonObject("checks").getMap()).containsEntry("database", "ok").containsEntry("memory", "ok")
        .containsEntry("disk", "ok");
    assertThat(d.getJsonObject("details").getJsonObject("database").getLong("latency_ms")).isNotNegative();
    assertThat(d.getJsonObject("details").getJsonObject("database").getJsonObject("pool").getInteger("max_size"))
        .isEqualTo(10);
    assertThat(d.getJsonObject("details").getJsonObject("cluster").getBoolean("enabled")).isFalse();
  }

  @Test
  void metrics_are_prometheus_text() {
    app.api.get("/api/health", null);
    Resp m = app.api.get("/api/metrics", null);
    assertThat(m.status()).isEqualTo(200);
    assertThat(m.header("content-type")).startsWith("text/plain");
    assertThat(m.body()).contains("# HELP").contains("# TYPE").contains("http_server_requests_seconds")
        .contains("jvm_memory_used_bytes").contains("vertx_eventbus").contains("vertx_pool");
    app.api.get("/api/definitely-missing", null);
    assertThat(app.api.get("/api/metrics", null).body()).contains("ledger_errors_total{category=\"not_found\"");
    Resp mh = app.api.get("/api/metrics/health", null);
    assertThat(mh.status()).isEqualTo(200);
    assertThat(mh.data().getString("status")).isEqualTo("healthy");
    assertThat(mh.json().getBoolean("success")).isTrue();
  }

  @Test
  void docs_work_offline() {
    Resp ui = app.api.get("/api/docs", null);
    assertThat(ui.status()).isEqualTo(200);
    assertThat(ui.header("content-type")).startsWith("text/html");
    assertThat(ui.body()).contains("swagger-ui-bundle.js").doesNotContain("http://").doesNotContain("https://");
    assertThat(ui.header("content-security-policy")).contains("script-src 'self'");
    Resp bundle = app.api.get("/api/docs/swagger-ui-bundle.js", null);
    assertThat(bundle.status()).isEqualTo(200);
    assertThat(bundle.body().length()).isGreaterThan(100_000);
    assertThat(app.api.get("/api/docs/swagger-initializer.js", null).body()).contains("/api/docs/openapi.yaml")
        .doesNotContain("petstore");
    Resp json = app.api.get("/api/docs/openapi.json", null);
    assertThat(json.json().getString("openapi")).startsWith("3.1");
    assertThat(json.json().getJsonObject("paths").containsKey("/api/payments")).isTrue();
    Resp yaml = app.api.get("/api/docs/openapi.yaml", null);
    assertThat(yaml.body()).startsWith("openapi: 3.1");
    assertThat(app.api.get("/api/docs/../../etc/passwd", null).status()).isEqualTo(404);
  }

  @Test
  void problems_registry() {
    Resp list = app.api.get("/api/problems", null);
    assertThat(list.status()).isEqualTo(200);
    var entries = list.dataArray();
    assertThat(entries.size()).isEqualTo(list.json().getJsonObject("metadata").getInteger("total_errors"));
    assertThat(entries.getJsonObject(0).fieldNames()).containsExactlyInAnyOrder("code", "type", "status", "title",
        "category", "retryable", "retry_delay_ms", "max_retry_attempts");
    assertThat(list.json().getJsonObject("metadata").getJsonArray("categories")).hasSize(8);

    Resp one = app.api.get("/api/problems/insufficient_funds", null);
    assertThat(one.data().getInteger("status")).isEqualTo(422);
    assertThat(one.data().getJsonArray("examples")).isNotEmpty();
    assertThat(one.data().getString("description")).isNotBlank();
    assertProblem(app.api.get("/api/problems/no_such_reason", null), 400, "invalid_reason_format");

    Resp cat = app.api.get("/api/problems/category/external_dependency", null);
    assertThat(cat.json().getJsonObject("metadata").getInteger("http_status")).isEqualTo(503);
    assertThat(cat.dataArray().stream().map(o -> ((JsonObject) o).getString("category"))).containsOnly(
        "external_dependency");
    assertProblem(app.api.get("/api/problems/category/nonsense", null), 400, "invalid_category");
    assertProblem(app.api.get("/api/problems/category/Bad-Cat", null), 400, "invalid_category_format");
  }

  @Test
  void query_and_path_values_reach_the_domain_as_sent() {
    // a JSON cursor, a negative number and a dotted path segment are strings to the contract, not JSON
    var admin = TestUsers.insert(app, "admin");
    String cursor = java.net.URLEncoder.encode("{\"inserted_at\":\"2025-01-01T00:00:00Z\",\"id\":\"x\"}",
        StandardCharsets.UTF_8);
    Resp r = app.api.get("/api/users/keyset?cursor=" + cursor + "&limit=-5", admin.token());
    assertThat(r.status()).as(r.body()).isNotEqualTo(400);
    assertProblem(app.api.get("/api/problems/12.5", null), 400, "invalid_reason_format");
    Resp header = app.api.send("GET", "/api/problems", null, null, Map.of("Idempotency-Key", "12.5%zz"));
    assertThat(header.status()).isEqualTo(200);
  }

  @Test
  void odd_inputs_the_fuzz_pass_found_are_answered_without_a_500() {
    // a form Content-Type on a GET made the body handler throw
    Resp form = app.api.send("GET", "/api/health", null, null, Map.of("Content-Type", "application/x-www-form-urlencoded"));
    assertThat(form.status()).isEqualTo(200);
    // U+0000 in a filter value cannot match anything PostgreSQL stores: an empty page, not a failed query
    var admin = TestUsers.insert(app, "admin");
    Resp nul = app.api.get("/api/users?status=%00&role=a%00b", admin.token());
    assertThat(nul.status()).as(nul.body()).isEqualTo(200);
    assertThat(nul.dataArray()).isEmpty();
    assertThat(app.api.get("/api/admin/jobs?queue=%00", admin.token()).status()).isEqualTo(200);
    // a body method with a non-JSON Content-Type is 415 even where the operation reads no body
    var user = TestUsers.insert(app, "user");
    assertProblem(app.api.send("POST", "/api/auth/logout-all", "a=b", user.token(),
        Map.of("Content-Type", "application/x-www-form-urlencoded")), 415, "unsupported_media_type");
  }

  @Test
  void bearer_token_shape_is_checked_before_validation() {
    assertProblem(app.api.get("/api/payments/not-a-uuid", null), 401, "invalid_token");
    Resp basic = app.api.send("GET", "/api/auth/me", null, null, Map.of("Authorization", "Basic abc"));
    assertProblem(basic, 401, "invalid_token");
    assertProblem(app.api.get("/api/auth/me", "garbage.token.here"), 401, "invalid_token");
  }
}
