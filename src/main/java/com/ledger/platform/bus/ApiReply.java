package com.ledger.platform.bus;

import io.vertx.core.json.JsonObject;

/**
 * A domain verticle's answer. Either {@code data} + {@code metadata} that the HTTP edge wraps in the success
 * envelope, or a complete {@code body} (an already-built envelope, e.g. an idempotent replay) written verbatim.
 */
public record ApiReply(int status, Object data, JsonObject metadata, String body, JsonObject headers) {

  public static ApiReply ok(Object data) {
    return new ApiReply(200, data, new JsonObject(), null, new JsonObject());
  }

  public static ApiReply ok(Object data, JsonObject metadata) {
    return new ApiReply(200, data, metadata, null, new JsonObject());
  }

  public static ApiReply of(int status, Object data, JsonObject metadata) {
    return new ApiReply(status, data, metadata, null, new JsonObject());
  }

  /** A pre-rendered body written as-is (status, body, headers). */
  public static ApiReply verbatim(int status, String body, JsonObject headers) {
    return new ApiReply(status, null, new JsonObject(), body, headers == null ? new JsonObject() : headers);
  }

  public ApiReply withHeader(String name, String value) {
    return new ApiReply(status, data, metadata, body, headers.copy().put(name, value));
  }

  public JsonObject toJson() {
    return new JsonObject().put("status", status).put("data", data).put("metadata", metadata)
        .put("body", body).put("headers", headers);
  }

  public static ApiReply fromJson(JsonObject j) {
    JsonObject md = j.getJsonObject("metadata");
    JsonObject h = j.getJsonObject("headers");
    return new ApiReply(j.getInteger("status", 200), j.getValue("data"), md == null ? new JsonObject() : md,
        j.getString("body"), h == null ? new JsonObject() : h);
  }
}
