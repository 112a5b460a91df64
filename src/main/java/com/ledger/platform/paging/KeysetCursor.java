package com.ledger.platform.paging;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A keyset position (SPEC.md §2.3): rows strictly after ({@code at}, {@code id}) in the listing's order. Clients
 * send it back as the JSON they were given, {@code {"<time field>": RFC 3339, "id": uuid}}, where the time field
 * names the listing's sort column ({@code inserted_at} for users, {@code posted_at} for an account's ledger). Pure.
 */
public record KeysetCursor(OffsetDateTime at, UUID id) {

  /** The cursor of a {@code cursor} query parameter; absent or anything malformed → null (the first page). */
  public static KeysetCursor parse(String raw, String timeField) {
    if (raw == null || raw.isBlank()) return null;
    try {
      JsonObject j = new JsonObject(raw);
      String at = j.getString(timeField);
      String id = j.getString("id");
      if (at == null || id == null) return null;
      return new KeysetCursor(OffsetDateTime.parse(at), UUID.fromString(id));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
