package com.ledger.users;

import com.ledger.platform.paging.KeysetCursor;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Pure parsing of the user listing's sort and cursor (SPEC.md §2.3); paging is {@link com.ledger.platform.paging.Paging}. */
public final class ListQuery {
  /** Sortable fields → columns (a constant map: nothing the client sends reaches the SQL text). */
  static final Map<String, String> SORT_COLUMNS = Map.of(
      "email", "email", "full_name", "full_name", "role", "role", "status", "status",
      "inserted_at", "inserted_at", "created_at", "inserted_at", "updated_at", "updated_at");
  static final String DEFAULT_ORDER = "inserted_at DESC, id DESC";

  private ListQuery() {}

  /**
   * sort = comma-separated {@code field[:asc|:desc]} → an ORDER BY clause made only of whitelisted columns.
   * Unknown fields are dropped, an unknown direction falls back to asc, a repeated field keeps its first use;
   * nothing usable → {@code inserted_at DESC}. {@code id} always ends the clause as the tie-breaker.
   */
  public static String orderBy(String raw) {
    Map<String, String> keys = new LinkedHashMap<>();
    if (raw != null) {
      for (String item : raw.split(",")) {
        String[] parts = item.trim().split(":", -1);
        String column = SORT_COLUMNS.get(parts[0].trim().toLowerCase(Locale.ROOT));
        if (column == null || keys.containsKey(column)) continue;
        String dir = parts.length > 1 && parts[1].trim().equalsIgnoreCase("desc") ? "DESC" : "ASC";
        keys.put(column, dir);
      }
    }
    if (keys.isEmpty()) return DEFAULT_ORDER;
    List<String> terms = new ArrayList<>();
    keys.forEach((c, d) -> terms.add(c + " " + d));
    terms.add("id " + keys.values().iterator().next());
    return String.join(", ", terms);
  }

  /**
   * The keyset cursor: JSON {@code {"inserted_at": RFC 3339, "id": uuid}}, rows strictly after it in
   * (inserted_at desc, id desc) order; anything malformed → null (first page).
   */
  public static KeysetCursor cursor(String raw) {
    return KeysetCursor.parse(raw, "inserted_at");
  }

  /** The cursor object handed back to the client. */
  public static JsonObject cursorJson(Instant insertedAt, String id) {
    return new JsonObject().put("inserted_at", insertedAt.toString()).put("id", id);
  }

}
