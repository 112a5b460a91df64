package com.ledger.support;

import com.ledger.platform.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ResponseValidatorImpl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Every response an end-to-end test receives is checked against openapi.yaml: the status is declared by the operation,
 * the Content-Type is one of that response's media types (an empty body where none is declared), each declared header
 * present matches its schema, and a JSON body (problem+json included) matches its schema. Requests that match no
 * operation must be transport-level problems (404 unknown path, 405 with {@code Allow}, 400/413/414 framing).
 *
 * <p>Built on vertx-openapi's contract model and response validator (JSON Schema 2020-12 via vertx-json-schema).
 * vertx-openapi 5.0.7 loads only the media types it can decode, so the copy it loads names
 * {@code application/problem+json} as a vendor JSON type it accepts, and leaves out non-JSON contents (the HTML page,
 * the YAML document, the Prometheus text), whose Content-Type is still checked against the contract as written.
 * Not checked: CORS preflights ({@code OPTIONS}, not operations) and the Swagger UI's static files under
 * {@code /api/docs/} (not API responses).
 */
public final class ContractConformance {
  /** The name the loaded copy gives application/problem+json (vertx-openapi accepts vendor JSON types). */
  static final String PROBLEM_ALIAS = "application/vnd.ledger-problem+json";
  private static final String PROBLEM = "application/problem+json";
  private static final String JSON = "application/json";
  private static final Set<String> DOCUMENT_PATHS = Set.of("/api/docs", "/api/docs/openapi.json", "/api/docs/openapi.yaml");
  private static volatile ContractConformance shared;

  private final JsonObject raw;
  private final OpenAPIContract contract;
  private final ResponseValidatorImpl validator;
  private final Response transportProblem;

  private ContractConformance(JsonObject raw) {
    this.raw = raw;
    Vertx vertx = Vertx.vertx();
    try {
      this.contract = OpenAPIContract.from(vertx, loadable(raw.copy())).await();
    } finally {
      vertx.close();
    }
    this.validator = new ResponseValidatorImpl(null, contract);
    this.transportProblem = contract.operation("health.check").getResponse(400);
  }

  /** The contract at the repository root, loaded once per test JVM. */
  public static ContractConformance shared() {
    ContractConformance c = shared;
    if (c == null) {
      synchronized (ContractConformance.class) {
        if (shared == null) shared = of(Path.of("openapi.yaml"));
        c = shared;
      }
    }
    return c;
  }

  public static ContractConformance of(Path contractFile) {
    try {
      return new ContractConformance(ConfigLoader.parse(Files.readString(contractFile), contractFile.toString(), "http.contract"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + contractFile, e);
    }
  }

  /** Fail the test (AssertionError) when the response does not conform. */
  public void assertConforms(String method, String pathAndQuery, int status, Map<String, String> headers, String body) {
    List<String> v = violations(method, pathAndQuery, status, headers, body);
    if (!v.isEmpty()) {
      throw new AssertionError("Contract violation: " + method + " " + pathAndQuery + " → " + status + "\n  - "
          + String.join("\n  - ", v) + "\n  body: " + abbreviate(body));
    }
  }

  /** What is wrong with this response (empty when it conforms). Header names in {@code headers} are lower case. */
  public List<String> violations(String method, String pathAndQuery, int status, Map<String, String> headers,
      String body) {
    String path = pathAndQuery.split("[?#]", 2)[0];
    List<String> out = new ArrayList<>();
    if (method.equals("OPTIONS") || method.equals("HEAD")
        || path.startsWith("/api/docs/") && !DOCUMENT_PATHS.contains(path)) {
      return out;
    }
    HttpMethod m = HttpMethod.valueOf(method);
    if (path.length() > 1 && path.endsWith("/") && contract.findPath(path) == null) {
      path = path.substring(0, path.length() - 1); // the router serves /api/users/ as /api/users
    }
    Operation op = contract.findOperation(path, m);
    if (op == null) {
      transport(path, status, headers, body, out);
      return out;
    }
    Response response = op.getResponse(status);
    if (response == null) response = op.getDefaultResponse();
    if (response == null) {
      out.add("status " + status + " is not declared by " + op.getOperationId() + " (declares " + declared(op) + ")");
      return out;
    }
    checkHeaders(response, headers, out);
    checkContent(op, status, response, headers, body, out);
    return out;
  }

  /** A request no operation answers: only a transport-level problem is a valid answer. */
  private void transport(String path, int status, Map<String, String> headers, String body, List<String> out) {
    boolean knownPath = contract.findPath(path) != null;
    Set<Integer> allowed = knownPath ? Set.of(405, 400, 413, 414) : Set.of(404, 400, 413, 414);
    if (!allowed.contains(status)) {
      out.add((knownPath ? "a method the path does not serve" : "an unknown path") + " answered " + status
          + " (expected one of " + new TreeSet<>(allowed) + ")");
      return;
    }
    if (status == 405 && headers.get("allow") == null) out.add("405 without an Allow header");
    if (!PROBLEM.equals(baseType(headers.get("content-type")))) {
      out.add("Content-Type " + headers.get("content-type") + " is not " + PROBLEM);
      return;
    }
    validateBody(transportProblem, status, PROBLEM_ALIAS, body, out);
  }

  private void checkHeaders(Response response, Map<String, String> headers, List<String> out) {
    for (Parameter h : response.getHeaders()) {
      String value = headers.get(h.getName().toLowerCase(Locale.ROOT));
      try {
        validator.validateParameter(h, value == null ? null : new RequestParameterImpl(value));
      } catch (ValidatorException e) {
        out.add("header " + h.getName() + ": " + e.getMessage());
      }
    }
  }

  private void checkContent(Operation op, int status, Response response, Map<String, String> headers, String body,
      List<String> out) {
    Set<String> declared = declaredMediaTypes(op, status);
    String actual = baseType(headers.get("content-type"));
    boolean empty = body == null || body.isEmpty();
    if (declared.isEmpty()) {
      if (!empty) out.add("a body where " + op.getOperationId() + " " + status + " declares none");
      return;
    }
    if (actual == null || !declared.contains(actual)) {
      out.add("Content-Type " + headers.get("content-type") + " is not one of " + declared);
      return;
    }
    if (actual.equals(JSON)) validateBody(response, status, JSON, body, out);
    else if (actual.equals(PROBLEM)) validateBody(response, status, PROBLEM_ALIAS, body, out);
  }

  private void validateBody(Response response, int status, String mediaType, String body, List<String> out) {
    MediaType mt = response.getContent().get(mediaType);
    if (mt == null) {
      out.add("no schema for " + mediaType);
      return;
    }
    try {
      validator.validateBody(response, ValidatableResponse.create(status, null,
          body == null ? null : Buffer.buffer(body), mediaType));
    } catch (ValidatorException e) {
      out.add("body: " + e.getMessage());
    }
  }

  /** The media types of this response as written in openapi.yaml (following a $ref to components/responses). */
  private Set<String> declaredMediaTypes(Operation op, int status) {
    JsonObject responses = responsesOf(op);
    JsonObject r = responses.getJsonObject(String.valueOf(status), responses.getJsonObject("default"));
    if (r != null && r.containsKey("$ref")) {
      String name = r.getString("$ref").substring("#/components/responses/".length());
      r = raw.getJsonObject("components").getJsonObject("responses").getJsonObject(name);
    }
    JsonObject content = r == null ? null : r.getJsonObject("content");
    if (content == null) return Set.of();
    return content.fieldNames().stream().map(ContractConformance::baseType).collect(Collectors.toCollection(TreeSet::new));
  }

  private Set<String> declared(Operation op) {
    return new TreeSet<>(responsesOf(op).fieldNames());
  }

  private JsonObject responsesOf(Operation op) {
    return raw.getJsonObject("paths").getJsonObject(op.getOpenAPIPath())
        .getJsonObject(op.getHttpMethod().name().toLowerCase(Locale.ROOT)).getJsonObject("responses");
  }

  static String baseType(String contentType) {
    return contentType == null ? null : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
  }

  /** The copy vertx-openapi can load: problem+json under its alias, non-JSON response contents left out. */
  static JsonObject loadable(JsonObject contract) {
    JsonObject paths = contract.getJsonObject("paths");
    for (String p : paths.fieldNames()) {
      for (Map.Entry<String, Object> m : paths.getJsonObject(p)) {
        if (m.getValue() instanceof JsonObject op && op.getJsonObject("responses") != null) {
          op.getJsonObject("responses").forEach(r -> aliasContent((JsonObject) r.getValue()));
        }
      }
    }
    JsonObject shared = contract.getJsonObject("components").getJsonObject("responses");
    if (shared != null) shared.forEach(r -> aliasContent((JsonObject) r.getValue()));
    return contract;
  }

  private static void aliasContent(JsonObject response) {
    JsonObject content = response.getJsonObject("content");
    if (content == null) return;
    JsonObject loadable = new JsonObject();
    content.forEach(e -> {
      String type = baseType(e.getKey());
      if (type.equals(PROBLEM)) loadable.put(PROBLEM_ALIAS, e.getValue());
      else if (type.equals(JSON)) loadable.put(JSON, e.getValue());
    });
    if (loadable.isEmpty()) response.remove("content");
    else response.put("content", loadable);
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 600 ? s.substring(0, 600) + "…" : s;
  }
}
