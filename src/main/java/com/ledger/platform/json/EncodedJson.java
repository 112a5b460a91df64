package com.ledger.platform.json;

import io.vertx.core.json.JsonObject;

/**
 * A JSON object that is never changed, with its encoding kept: writing it again (the user of {@code GET /api/auth/me}
 * on every request) copies those bytes instead of running Jackson over it. It shares the map of the object it was made
 * from, so neither may be changed afterwards (the node's user cache holds such objects: they are shared read-only).
 */
public final class EncodedJson extends JsonObject {
  private final byte[] encoded;

  public EncodedJson(JsonObject value) {
    super(value.getMap());
    this.encoded = value.toBuffer().getBytes();
  }

  /** The bytes {@code toBuffer()} gave when this object was made; the caller must not change them. */
  public byte[] encoded() {
    return encoded;
  }
}
