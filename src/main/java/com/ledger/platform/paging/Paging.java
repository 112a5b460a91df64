package com.ledger.platform.paging;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;

/**
 * SPEC.md §2.1 paging, one rule for every list: {@code page} an integer ≥ 1 else 1; {@code page_size} and
 * {@code limit} 1..100, above 100 → 100, anything else → 20. Query values arrive as strings. Pure.
 */
public final class Paging {
  public static final int DEFAULT_SIZE = 20;
  public static final int MAX_SIZE = 100;

  private Paging() {}

  public static int page(String raw) {
    Integer n = integer(raw);
    return n == null || n < 1 ? 1 : n;
  }

  public static int pageSize(String raw) {
    Integer n = integer(raw);
    if (n == null || n < 1) return DEFAULT_SIZE;
    return Math.min(n, MAX_SIZE);
  }

  /** The rows to skip; a long, so a huge page number cannot overflow. */
  public static long offset(int page, int size) {
    return (page - 1L) * size;
  }

  /** ceil(total / size), 0 when total is 0. */
  public static long totalPages(long total, int size) {
    return total == 0 ? 0 : (total + size - 1) / size;
  }

  /** {@code {page, page_size, total_count, total_pages}} plus {@code has_next, has_prev} when asked. */
  public static JsonObject offsetMetadata(int page, int size, long total, boolean withNav) {
    JsonObject p = new JsonObject().put("page", page).put("page_size", size).put("total_count", total)
        .put("total_pages", totalPages(total, size));
    if (withNav) p.put("has_next", (long) page * size < total).put("has_prev", page > 1);
    return p;
  }

  /** An integer clamped to the int range (so "99999999999" is a very large page, not an error), or null. */
  private static Integer integer(String raw) {
    if (raw == null) return null;
    String s = raw.trim();
    if (!s.matches("[+-]?\\d{1,40}")) return null;
    BigInteger b = new BigInteger(s.startsWith("+") ? s.substring(1) : s);
    if (b.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) return Integer.MAX_VALUE;
    if (b.compareTo(BigInteger.valueOf(Integer.MIN_VALUE)) < 0) return Integer.MIN_VALUE;
    return b.intValue();
  }
}
