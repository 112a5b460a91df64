package com.ledger.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.config.ConfigLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What openapi.yaml promises, checked on the document itself: every status an operation can answer is listed, emails
 * are SPEC's regex (not {@code format: email}), and asynchronous processing is an operation of its own.
 */
class ContractTruthTest {
  static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");
  /** What any operation may answer before or around its own rules (transport, limits, failures). */
  static final Set<String> EVERY_OPERATION = Set.of("400", "405", "413", "414", "429", "500", "501", "503");
  static final String SPEC_EMAIL = "^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$";
  static JsonObject contract;

  @BeforeAll
  static void load() throws IOException {
    contract = ConfigLoader.parse(Files.readString(Path.of("openapi.yaml")), "openapi.yaml", "http.contract");
  }

  record Op(String path, String method, JsonObject op) {
    String id() {
      return op.getString("operationId");
    }

    Set<String> statuses() {
      return op.getJsonObject("responses").fieldNames();
    }
  }

  static List<Op> operations() {
    List<Op> ops = new ArrayList<>();
    JsonObject paths = contract.getJsonObject("paths");
    for (String p : paths.fieldNames()) {
      for (String m : METHODS) {
        JsonObject op = paths.getJsonObject(p).getJsonObject(m);
        if (op != null) ops.add(new Op(p, m, op));
      }
    }
    return ops;
  }

  static boolean secured(Op o) {
    JsonArray sec = o.op().getJsonArray("security", contract.getJsonArray("security"));
    return sec != null && !sec.isEmpty();
  }

  @Test
  void every_operation_lists_every_status_it_can_answer() {
    List<String> missing = new ArrayList<>();
    for (Op o : operations()) {
      Set<String> s = o.statuses();
      for (String status : EVERY_OPERATION) {
        if (!s.contains(status)) missing.add(o.id() + " " + status);
      }
      // any body method may be sent a non-JSON Content-Type, whether or not it reads a body
      if (List.of("post", "put", "patch").contains(o.method()) && !s.contains("415")) missing.add(o.id() + " 415");
      if (secured(o)) {
        for (String status : List.of("401", "422")) {
          if (!s.contains(status)) missing.add(o.id() + " " + status);
        }
      }
    }
    assertThat(missing).as("statuses an operation answers but does not list").isEmpty();
  }

  @Test
  void emails_are_the_spec_regex_not_format_email() {
    List<String> found = new ArrayList<>();
    collectEmailSchemas(contract.getJsonObject("components").getJsonObject("schemas"), "#/components/schemas", found);
    assertThat(found).as("schemas with format email").isEmpty();
    JsonObject userEmail = contract.getJsonObject("components").getJsonObject("schemas").getJsonObject("User")
        .getJsonObject("properties").getJsonObject("email");
    assertThat(userEmail.getString("pattern")).isEqualTo(SPEC_EMAIL);
    assertThat(Pattern.compile(userEmail.getString("pattern")).matcher("josé.garcía@example.com").find()).isTrue();
  }

  private static void collectEmailSchemas(Object node, String where, List<String> found) {
    if (node instanceof JsonObject o) {
      String format = o.getValue("format") instanceof String f ? f : null;
      if ("email".equals(format) || "idn-email".equals(format)) found.add(where);
      o.forEach(e -> collectEmailSchemas(e.getValue(), where + "/" + e.getKey(), found));
    } else if (node instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) collectEmailSchemas(a.getValue(i), where + "/" + i, found);
    }
  }

  @Test
  void async_processing_is_an_operation_of_its_own() {
    Op async = operations().stream().filter(o -> "payments.process-async".equals(o.id())).findFirst().orElse(null);
    assertThat(async).as("payments.process-async").isNotNull();
    assertThat(async.path()).isEqualTo("/api/payments/{id}/process-async");
    assertThat(async.method()).isEqualTo("post");
    assertThat(async.statuses().stream().filter(s -> s.startsWith("2"))).containsExactly("202");
    assertThat(async.op().getJsonArray("parameters").stream().map(Object::toString))
        .anyMatch(p -> p.contains("IdempotencyKey"));
    Op sync = operations().stream().filter(o -> "payments.process".equals(o.id())).findFirst().orElseThrow();
    // the Prefer form stays for plain HTTP clients of the original, so process still lists its 202
    assertThat(sync.statuses()).contains("200", "202");
  }

  /** SPEC.md §6.9 + issue 10: every unsafe operation a client may retry declares the key and its 409/422. */
  @Test
  void every_retryable_unsafe_operation_declares_the_idempotency_key() {
    Set<String> keyed = Set.of("payments.create", "payments.process", "payments.process-async", "payments.cancel",
        "banksync.logins-create", "banksync.sync-login");
    List<String> declaring = new java.util.ArrayList<>();
    for (Op o : operations()) {
      if (o.op().getJsonArray("parameters", new JsonArray()).stream().map(Object::toString)
          .noneMatch(p -> p.contains("IdempotencyKey"))) continue;
      declaring.add(o.id());
      assertThat(o.statuses()).as(o.id()).contains("400", "409", "422");
      assertThat(o.op().getString("description")).as(o.id()).contains("Idempotency-Key");
    }
    assertThat(declaring).containsExactlyInAnyOrderElementsOf(keyed);
  }
}
