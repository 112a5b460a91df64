package com.ledger.platform.bus;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What the HTTP edge sends to the address named by an operationId: the caller's claims (never the raw token),
 * the validated parameters and body, and the request's correlation id. Domain verticles read it at their door.
 * {@code numbers} holds the literal text of the body's numbers that their JSON value cannot spell (JSON Pointer →
 * text, see {@code platform.json.JsonLiterals}), so field rules judge {@code 1.5e1} or {@code 1e400} as written.
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
    String uri,
    JsonObject numbers) {

  /**
   * The request headers the edge forwards (lower-case): the ones a domain handler reads with {@link #header}. Other
   * headers (the token, cookies, the client's own) never travel on the bus.
   */
  public static final Set<String> FORWARDED_HEADERS = Set.of("idempotency-key", "prefer", "x-webhook-provider",
      "x-webhook-signature", "x-webhook-id");

  public ApiRequest {
    numbers = numbers == null ? new JsonObject() : numbers;
  }

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
        .put("uri", uri)
        .put("numbers", numbers.isEmpty() ? null : numbers);
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
        j.getString("uri"),
        j.getJsonObject("numbers"));
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

  /**
   * The path parameter {@code id} as a UUID. The edge has already checked its format against the contract; should
   * it not have, the answer is 400 invalid_uuid_format naming the field, never a 500.
   */
  public UUID pathId() {
    try {
      return UUID.fromString(pathParam("id"));
    } catch (RuntimeException e) {
      throw LedgerException.field(ErrorCode.INVALID_UUID_FORMAT, "id", "id must be a UUID");
    }
  }

  /**
   * A query parameter as sent, except U+0000: PostgreSQL text cannot hold it, so a value containing it can match
   * nothing we store; it is handed over with U+0000 as U+FFFD, which keeps that meaning (an unknown filter value
   * yields [], an enum filter is invalid, a page size falls back to its default) instead of failing the query.
   */
  public String queryParam(String name) {
    Object v = query.getValue(name);
    return v == null ? null : String.valueOf(v).replace('\u0000', '\ufffd');
  }

  /** The literal text of numeric body field {@code field} as sent (null when it is not a number). */
  public String numberLiteral(String field) {
    return com.ledger.platform.json.JsonNumbers.field(body, numbers, field);
  }

  /**
   * A forwarded request header (names are case-insensitive); a name outside {@link #FORWARDED_HEADERS} is a programming
   * error (the edge never sends it), not an absent header.
   */
  public String header(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (!FORWARDED_HEADERS.contains(lower)) {
      throw new IllegalArgumentException("header " + name + " is not forwarded by the edge (ApiRequest.FORWARDED_HEADERS)");
    }
    return headers.getString(lower);
  }
}
