package com.ledger.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.banksync.webhooks.WebhookSignature;
import com.ledger.platform.config.ConfigLoader;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.support.Api;
import com.ledger.support.RawHttp;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import com.ledger.support.TestUsers;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table-driven fuzz pass over the whole contract: for every operation of openapi.yaml, odd values for every
 * parameter (path, query, header) and every body field (wrong types, empty, huge, unicode edge cases, nulls, odd
 * numbers, duplicate keys, deep nesting), plus odd whole bodies and odd common headers. Each answer must be below 500;
 * a 4xx must be problem+json with a catalog reason and must leave every domain table as it was (audit events,
 * idempotency records and webhook deliveries may be written, as SPEC.md allows). Every answer is also checked against
 * the contract by the shared client. The node runs no job workers, so nothing changes the tables behind our back.
 */
class FuzzTest {
  private static final Logger LOG = LoggerFactory.getLogger(FuzzTest.class);
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");
  private static final String[] DOMAIN_TABLES = {"users.users", "auth.refresh_tokens", "banksync.banks",
      "banksync.bank_branches", "banksync.user_bank_logins", "payments.user_bank_accounts", "payments.user_payments",
      "payments.transactions", "jobs.jobs"};
  private static final Map<String, String> WEBHOOK_SECRETS = Map.of("payments", "test_payment_webhook_secret",
      "banks", "test_bank_webhook_secret", "fraud", "test_fraud_webhook_secret");

  /** Odd parameter values (sent URL-encoded in paths and queries, as they are in headers). */
  static final List<String> ODD_PARAMS = List.of("", " ", "0", "-1", "1e400", "-0", "1.5e1", "99999999999999999999999",
      "true", "null", "[]", "{}", "\u0000", "😀𝕏", "\u202egnp.exe", "e\u0301", "\ufeffbom", "\uffff", "x".repeat(1500),
      "../../etc/passwd", "' OR 1=1 --", "<script>alert(1)</script>", "a/b", "{\"inserted_at\":\"x\",\"id\":1}", "%ZZ");
  /** Odd JSON values for a body field, as literal JSON text. */
  static final List<String> ODD_JSON = List.of("null", "\"\"", "\"   \"", "0", "-1", "1e400", "-1e400", "1e-400", "-0",
      "1.5e1", "1E2", "123456789012345678901234567890", "true", "false", "[]", "{}", "[1,2]", "{\"a\":{\"b\":[1]}}",
      "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u202egnp.exe\"", "\"😀𝕏\"", "\"e\\u0301\"",
      "\"\\ufeffbom\"", "\"\\uffff\"", "\"" + "x".repeat(100_000) + "\"", "\"1e400\"", "\"NaN\"", "\"-0\"",
      "\"<script>alert(1)</script>\"", "\"' OR '1'='1\"", "{\"$ne\":null}", "[".repeat(70) + "]".repeat(70),
      "[".repeat(1500) + "]".repeat(1500));
  /** Odd whole bodies for an operation that takes one. */
  static final List<String> ODD_BODIES = List.of("", "null", "[]", "[{}]", "1e400", "\"text\"", "true", "{", "{}}",
      "{\"a\":1}{\"b\":2}", "{".repeat(70) + "}".repeat(70), "{\"a\":".repeat(2000) + "1" + "}".repeat(2000),
      "{\"a\": 1" + "0".repeat(2000) + "}");
  /** Odd values of headers every operation reads. */
  static final Map<String, List<String>> ODD_COMMON_HEADERS = Map.of(
      "X-Correlation-ID", List.of("x".repeat(200), "a b"),
      "X-API-Version", List.of("", "1e400"),
      "Accept", List.of("application/json;version=9"),
      "Content-Type", List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x"));

  static TestApp app;
  static Connection db;
  static JsonObject contract;
  static TestUsers.User user;
  static TestUsers.User admin;
  static Map<String, String> ids = new LinkedHashMap<>();

  int sent;
  int skipped;
  final Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
  final List<String> failures = new ArrayList<>();
  /** The domain tables' digest as of the last answer, or null when a 2xx/3xx may have changed them. */
  String current;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(Map.of("roles", List.of("http", "users", "auth", "payments", "banksync", "sandbox-bank"),
        "banksync.periodic_sync", false));
    db = TestDatabase.jdbc(app.dbUrl);
    contract = ConfigLoader.parse(java.nio.file.Files.readString(java.nio.file.Path.of("openapi.yaml")), "openapi.yaml", "http.contract");
    user = TestUsers.insert(app, "user");
    admin = TestUsers.insert(app, "admin");
    ids.put("target", TestUsers.insert(app, "user").id().toString());
    String bank = one("INSERT INTO banksync.banks (name, country, code, api_endpoint) VALUES ('Fuzz Bank', 'US', "
        + "'FUZZ_BANK', '" + app.app.config().bank().url() + "') RETURNING id");
    ids.put("branch", one("INSERT INTO banksync.bank_branches (name, country, bank_id) VALUES ('Main', 'US', '" + bank
        + "') RETURNING id"));
    ids.put("login", one("INSERT INTO banksync.user_bank_logins (username, user_id, bank_branch_id) VALUES ('fuzzer1', '"
        + user.id() + "', '" + ids.get("branch") + "') RETURNING id"));
    ids.put("account", one("INSERT INTO payments.user_bank_accounts (currency, account_type, balance, account_name, "
        + "user_bank_login_id, user_id) VALUES ('USD', 'CHECKING', 1000, 'Fuzz', '" + ids.get("login") + "', '"
        + user.id() + "') RETURNING id"));
    ids.put("payment", one("INSERT INTO payments.user_payments (amount, direction, description, payment_type, "
        + "user_bank_account_id, user_id) VALUES (5, 'DEBIT', 'fuzz', 'PAYMENT', '" + ids.get("account") + "', '"
        + user.id() + "') RETURNING id"));
    ids.put("job", one("INSERT INTO jobs.jobs (worker, queue, state, args, user_id, dead_at) VALUES ('PaymentWorker', "
        + "'payments', 'dead', jsonb_build_object('payment_id', '" + ids.get("payment") + "'), '" + user.id()
        + "', now()) RETURNING id"));
  }

  @AfterAll
  static void stop() throws SQLException {
    db.close();
    app.verifyLedgerAndClose();
  }

  @Test
  void odd_values_for_every_parameter_and_body_field_of_every_operation_never_get_a_5xx() {
    // the detector of domain writes sees a write
    String quiet = snapshot();
    try {
      one("UPDATE users.users SET full_name = 'Fuzz Target' WHERE id = '" + ids.get("target") + "' RETURNING id");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    assertThat(snapshot()).isNotEqualTo(quiet);
    JsonObject paths = contract.getJsonObject("paths");
    int operations = 0;
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : METHODS) {
        JsonObject op = item.getJsonObject(method);
        if (op == null) continue;
        operations++;
        fuzz(path, method.toUpperCase(java.util.Locale.ROOT), op, parameters(item, op));
      }
    }
    LOG.atInfo().addKeyValue("operations", operations).addKeyValue("requests", sent).addKeyValue("skipped", skipped)
        .addKeyValue("by_status", byStatus.toString()).log("fuzz.done");
    System.out.println("FUZZ: " + operations + " operations, " + sent + " requests, statuses " + byStatus
        + ", 5xx: " + byStatus.entrySet().stream().filter(e -> e.getKey() >= 500).mapToInt(Map.Entry::getValue).sum()
        + ", not sendable by the client: " + skipped);
    assertThat(failures).as(failures.size() + " failures of " + sent + " requests").isEmpty();
    assertThat(operations).isGreaterThanOrEqualTo(54);
    assertThat(sent).isGreaterThan(3_000);
  }

  // ---------------------------------------------------------------- one operation

  private void fuzz(String path, String method, JsonObject op, List<JsonObject> params) {
    Map<String, String> pathValues = new LinkedHashMap<>();
    for (JsonObject p : params) if ("path".equals(p.getString("in"))) pathValues.put(p.getString("name"), base(path, p));
    JsonObject body = op.containsKey("requestBody") ? baseBody(op) : null;
    for (JsonObject p : params) {
      String name = p.getString("name");
      for (String odd : ODD_PARAMS) {
        switch (p.getString("in")) {
          case "path" -> {
            Map<String, String> pv = new LinkedHashMap<>(pathValues);
            pv.put(name, odd);
            send(path, method, op, pv, "", jsonOf(body), Map.of());
          }
          case "query" -> {
            send(path, method, op, pathValues, "?" + name + "=" + encode(odd), jsonOf(body), Map.of());
            if (odd.equals("1e400")) {
              send(path, method, op, pathValues, "?" + name + "=1&" + name + "=" + encode(odd), jsonOf(body), Map.of());
            }
          }
          case "header" -> send(path, method, op, pathValues, "", jsonOf(body), Map.of(name, odd));
          default -> { }
        }
      }
    }
    ODD_COMMON_HEADERS.forEach((header, values) -> values.forEach(v ->
        send(path, method, op, pathValues, "", jsonOf(body), Map.of(header, v))));
    if (body == null) return;
    for (String field : body.fieldNames()) {
      for (String odd : ODD_JSON) {
        send(path, method, op, pathValues, "", withField(body, field, odd, null), Map.of());
      }
      // duplicate keys: the odd value first or last
      send(path, method, op, pathValues, "", withField(body, field, "1e400", Json.encode(body.getValue(field))), Map.of());
      send(path, method, op, pathValues, "", "{\"" + field + "\": 1e400, " + jsonOf(body).substring(1), Map.of());
    }
    for (String odd : ODD_BODIES) send(path, method, op, pathValues, "", odd, Map.of());
    // invalid UTF-8 inside a string: raw bytes on the socket
    sendRaw(path, method, op, pathValues, "{\"" + body.fieldNames().iterator().next() + "\": \"\u00ff\u00fe\"}");
  }

  private static String withField(JsonObject body, String field, String literal, String firstValue) {
    StringBuilder out = new StringBuilder("{");
    for (String k : body.fieldNames()) {
      if (k.equals(field)) continue;
      out.append(Json.encode(k)).append(':').append(Json.encode(body.getValue(k))).append(',');
    }
    if (firstValue != null) out.append(Json.encode(field)).append(':').append(firstValue).append(',');
    return out.append(Json.encode(field)).append(':').append(literal).append('}').toString();
  }

  private static String jsonOf(JsonObject body) {
    return body == null ? null : body.encode();
  }

  // ---------------------------------------------------------------- one request

  private void send(String template, String method, JsonObject op, Map<String, String> pathValues, String query,
      String body, Map<String, String> headers) {
    String uri = uri(template, pathValues) + query;
    Map<String, String> h = new LinkedHashMap<>(headers);
    if (body != null && isWebhook(template)) {
      String secret = WEBHOOK_SECRETS.get(webhookProvider(template, pathValues));
      if (secret != null) {
        h.putIfAbsent("X-Webhook-Signature", WebhookSignature.sign(secret, body.getBytes(StandardCharsets.UTF_8)));
      }
    }
    String before = current != null ? current : snapshot();
    Api.Resp r;
    try {
      r = app.api.send(method, uri, body, token(op), h);
    } catch (IllegalArgumentException unsendable) {
      skipped++; // the JDK client refuses this header value (it never reaches the server)
      return;
    } catch (AssertionError contractViolation) {
      sent++;
      failures.add(contractViolation.getMessage().lines().limit(4).collect(Collectors.joining(" | ")));
      current = null;
      return;
    }
    sent++;
    judge(method + " " + abbreviate(uri) + " " + abbreviate(String.valueOf(headers)) + " body=" + abbreviate(body),
        r.status(), r.header("content-type"), r.body(), before);
  }

  private void sendRaw(String template, String method, JsonObject op, Map<String, String> pathValues, String body) {
    String uri = uri(template, pathValues);
    String token = token(op);
    String before = current != null ? current : snapshot();
    String request = method + " " + uri + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/json\r\n"
        + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "Content-Length: " + body.length()
        + "\r\n\r\n" + body;
    try {
      RawHttp.Exchange x = RawHttp.send(app.port, request.getBytes(StandardCharsets.ISO_8859_1), 5_000);
      sent++;
      judge(method + " " + uri + " invalid UTF-8", x.status(), x.header("content-type"), x.body(), before);
    } catch (AssertionError contractViolation) {
      sent++;
      failures.add(contractViolation.getMessage().lines().limit(4).collect(Collectors.joining(" | ")));
      current = null;
    }
  }

  private void judge(String what, int status, String contentType, String body, String before) {
    byStatus.merge(status, 1, Integer::sum);
    current = null;
    if (status >= 500 || status < 100) {
      failures.add(status + " for " + what + " → " + abbreviate(body));
      return;
    }
    if (status < 400) return;
    if (contentType == null || !contentType.startsWith("application/problem+json")) {
      failures.add(status + " without problem+json for " + what);
      return;
    }
    String reason = new JsonObject(body).getString("reason");
    if (reason == null || ErrorCode.ofReason(reason).isEmpty()) {
      failures.add(status + " with reason " + reason + " (not in the catalog) for " + what);
    }
    String after = snapshot();
    if (!after.equals(before)) failures.add(status + " " + reason + " changed a domain table for " + what);
    current = after;
  }

  // ---------------------------------------------------------------- fixtures and contract walking

  private static List<JsonObject> parameters(JsonObject item, JsonObject op) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonArray list : new JsonArray[] {item.getJsonArray("parameters"), op.getJsonArray("parameters")}) {
      if (list == null) continue;
      for (Object o : list) out.add(resolve((JsonObject) o));
    }
    return out;
  }

  private static JsonObject resolve(JsonObject node) {
    String ref = node.getString("$ref");
    if (ref == null) return node;
    JsonObject at = contract;
    for (String part : ref.substring(2).split("/")) at = at.getJsonObject(part);
    return resolve(at);
  }

  /** A valid value for a path parameter, so that the odd values of the other parameters reach their rules. */
  private static String base(String path, JsonObject p) {
    String name = p.getString("name");
    if (name.equals("reason")) return "missing_fields";
    if (name.equals("category")) return "validation";
    if (name.equals("provider")) return "payments";
    if (path.startsWith("/api/users/")) return ids.get("target");
    if (path.startsWith("/api/payments/")) return ids.get("payment");
    if (path.startsWith("/api/accounts/")) return ids.get("account");
    if (path.startsWith("/api/bank-logins/")) return ids.get("login");
    return ids.get("job");
  }

  /** A body made of the contract's examples, with real ids where a field names one of ours. */
  private static JsonObject baseBody(JsonObject op) {
    JsonObject schema = resolve(op.getJsonObject("requestBody").getJsonObject("content")
        .getJsonObject("application/json").getJsonObject("schema"));
    JsonObject body = new JsonObject();
    schema.getJsonObject("properties", new JsonObject()).forEach(e -> {
      JsonArray examples = ((JsonObject) e.getValue()).getJsonArray("examples");
      body.put(e.getKey(), examples == null || examples.isEmpty() ? "x" : examples.getValue(0));
    });
    if (body.containsKey("user_bank_account_id")) body.put("user_bank_account_id", ids.get("account"));
    if (body.containsKey("bank_branch_id")) body.put("bank_branch_id", ids.get("branch"));
    return body;
  }

  private static String token(JsonObject op) {
    JsonArray security = op.getJsonArray("security", contract.getJsonArray("security"));
    if (security == null || security.isEmpty()) return null;
    JsonArray roles = op.getJsonArray("x-roles");
    return roles != null && roles.contains("admin") ? admin.token() : user.token();
  }

  private static boolean isWebhook(String template) {
    return template.startsWith("/api/webhooks/");
  }

  private static String webhookProvider(String template, Map<String, String> pathValues) {
    if (template.contains("{provider}")) return pathValues.get("provider");
    if (template.contains("/payments/")) return "payments";
    if (template.contains("/banks/")) return "banks";
    return "fraud";
  }

  private static String uri(String template, Map<String, String> values) {
    String uri = template;
    for (Map.Entry<String, String> e : values.entrySet()) {
      String v = e.getValue();
      uri = uri.replace("{" + e.getKey() + "}", v.equals("%ZZ") ? v : encode(v).replace("+", "%20"));
    }
    return uri;
  }

  private static String encode(String v) {
    return v.equals("%ZZ") ? v : URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  /** A digest of every domain table's rows. */
  private static String snapshot() {
    String sql = java.util.Arrays.stream(DOMAIN_TABLES).map(t -> "SELECT '" + t + "' AS t, md5(coalesce(string_agg(x::text,"
        + " '|' ORDER BY x::text), '')) AS h FROM " + t + " x").collect(Collectors.joining(" UNION ALL "));
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      StringBuilder out = new StringBuilder();
      while (rs.next()) out.append(rs.getString(1)).append('=').append(rs.getString(2)).append(';');
      return out.toString();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String one(String sql) throws SQLException {
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() > 160 ? s.substring(0, 160) + "…(" + s.length() + ")" : s;
  }
}
