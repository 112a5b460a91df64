package com.ledger.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small blocking HTTP client for end-to-end tests (JDK HttpClient, real sockets, 127.0.0.1 only). Every response
 * of the LedgerBank API is checked against openapi.yaml ({@link ContractConformance}); a violation fails the test.
 */
public final class Api {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** The request timeout covers only the response headers: the body gets this long too, so a lost one fails the test. */
  private static final Duration RESPONSE_DEADLINE = Duration.ofSeconds(60);
  public final String base;
  private final boolean contract;

  /** A client of the LedgerBank API at {@code base}: every response is validated against the contract. */
  public Api(String base) {
    this(base, true);
  }

  private Api(String base, boolean contract) {
    this.base = base;
    this.contract = contract;
  }

  /** A client of another server (the sandbox bank): its responses are not LedgerBank's contract. */
  public static Api unchecked(String base) {
    return new Api(base, false);
  }

  public record Resp(int status, Map<String, String> headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonObject data() {
      return json().getJsonObject("data");
    }

    public JsonArray dataArray() {
      return json().getJsonArray("data");
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** The problem's reason (problem+json bodies). */
    public String reason() {
      return json().getString("reason");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Resp get(String path, String token) {
    return send("GET", path, null, token, Map.of());
  }

  public Resp post(String path, Object body, String token) {
    return send("POST", path, body, token, Map.of());
  }

  public Resp put(String path, Object body, String token) {
    return send("PUT", path, body, token, Map.of());
  }

  public Resp delete(String path, String token) {
    return send("DELETE", path, null, token, Map.of());
  }

  /** body: a JsonObject/JsonArray (sent as JSON), a String (sent as is), or null (no body). */
  public Resp send(String method, String path, Object body, String token, Map<String, String> headers) {
    URI uri = URI.create(base + path);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    boolean hasCt = headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("Content-Type"));
    if (body != null && !hasCt) b.header("Content-Type", "application/json");
    if (token != null) b.header("Authorization", "Bearer " + token);
    headers.forEach(b::header);
    String text = body == null ? null : body instanceof String s ? s : body.toString();
    b.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
    try {
      HttpResponse<String> r = CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
          .get(RESPONSE_DEADLINE.toSeconds(), TimeUnit.SECONDS);
      Map<String, String> h = new LinkedHashMap<>();
      r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), String.join(", ", v)));
      if (contract) {  // the path the server saw: a base may carry part of it (new Api(base + "/api/metrics"))
        String served = (uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        ContractConformance.shared().assertConforms(method, served, r.statusCode(), h, r.body());
      }
      return new Resp(r.statusCode(), h, r.body());
    } catch (ExecutionException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(method + " " + path + ": no complete response within " + RESPONSE_DEADLINE, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
