package com.ledger.platform.bus;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * What the HTTP edge sends to the address named by an operationId: the caller's claims (never the raw token),
 * the validated parameters and body, and the request's correlation id. Domain verticles read it at their door.
 */
public record ApiRequest(
    String operationId,
    JsonObject principal,
    JsonObject path,
    JsonObject query,
    JsonObject headers,
    JsonObject body,
    String rawBody,
    String correlationId,
    String clientIp,
    String method,
    String uri) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("operationId", operationId)
        .put("principal", principal)
        .put("path", path)
        .put("query", query)
        .put("headers", headers)
        .put("body", body)
        .put("rawBody", rawBody)
        .put("correlationId", correlationId)
        .put("clientIp", clientIp)
        .put("method", method)
        .put("uri", uri);
  }

  public static ApiRequest fromJson(JsonObject j) {
    return new ApiRequest(
        j.getString("operationId"),
        j.getJsonObject("principal"),
        orEmpty(j.getJsonObject("path")),
        orEmpty(j.getJsonObject("query")),
        orEmpty(j.getJsonObject("headers")),
        orEmpty(j.getJsonObject("body")),
        j.getString("rawBody"),
        j.getString("correlationId"),
        j.getString("clientIp"),
        j.getString("method"),
        j.getString("uri"));
  }

  private static JsonObject orEmpty(JsonObject o) {
    return o == null ? new JsonObject() : o;
  }

  /** The authenticated caller, if the operation is secured. */
  public Optional<Caller> caller() {
    return Optional.ofNullable(principal).map(Caller::fromClaims);
  }

  public String pathParam(String name) {
    return path.getString(name);
  }

  public String queryParam(String name) {
    Object v = query.getValue(name);
    return v == null ? null : String.valueOf(v);
  }

  /** Header names are lower-case. */
  public String header(String name) {
    return headers.getString(name.toLowerCase(java.util.Locale.ROOT));
  }
}
