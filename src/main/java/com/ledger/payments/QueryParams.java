package com.ledger.payments;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.paging.KeysetCursor;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/** Query parameters as SPEC.md §2.1 reads them (they arrive as strings; defaults are applied here). Pure. */
final class QueryParams {
  private QueryParams() {}

  /** An enum filter, trimmed and upper-cased; absent → null; not allowed → 400 with {@code invalid}. */
  static String enumFilter(String raw, String field, Set<String> allowed, ErrorCode invalid) {
    if (raw == null) return null;
    String n = raw.trim().toUpperCase(Locale.ROOT);
    if (!allowed.contains(n)) {
      throw LedgerException.field(invalid, field, field + " must be one of " + String.join(", ", allowed.stream().sorted().toList()));
    }
    return n;
  }

  /** ISO-8601 date-time with an offset; absent → null; else 400 invalid_datetime_format naming the param. */
  static OffsetDateTime dateTime(String raw, String field) {
    if (raw == null) return null;
    try {
      // a '+' offset sent unencoded in a query string arrives as a space
      return OffsetDateTime.parse(raw.trim().replace(' ', '+'));
    } catch (DateTimeParseException e) {
      throw LedgerException.field(ErrorCode.INVALID_DATETIME_FORMAT, field,
          field + " must be an ISO-8601 date-time with offset, e.g. 2024-01-01T00:00:00Z");
    }
  }

  /**
   * The ledger's keyset cursor {@code {"posted_at": "<RFC 3339>", "id": "<uuid>"}}: rows strictly after it in
   * descending order; anything malformed → null (first page).
   */
  static KeysetCursor cursor(String raw) {
    return KeysetCursor.parse(raw, "posted_at");
  }

}
