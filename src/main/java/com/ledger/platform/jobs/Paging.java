package com.ledger.platform.jobs;

import io.vertx.core.json.JsonObject;

/** SPEC.md §2.1 page rules: page integer ≥ 1 else 1; page_size 1..100, above 100 → 100, anything else → 20. */
final class Paging {
  private Paging() {}

  static int page(String raw) {
    Integer n = integer(raw);
    return n == null || n < 1 ? 1 : n;
  }

  static int pageSize(String raw) {
    Integer n = integer(raw);
    if (n == null || n < 1) return 20;
    return Math.min(n, 100);
  }

  static JsonObject offsetMetadata(int page, int size, long total) {
    long pages = total == 0 ? 0 : (total + size - 1) / size;
    return new JsonObject().put("page", page).put("page_size", size).put("total_count", total).put("total_pages", pages);
  }

  private static Integer integer(String raw) {
    if (raw == null || !raw.matches("[+-]?\\d{1,40}")) return null;
    java.math.BigInteger b = new java.math.BigInteger(raw.startsWith("+") ? raw.substring(1) : raw);
    if (b.compareTo(java.math.BigInteger.valueOf(Integer.MAX_VALUE)) > 0) return Integer.MAX_VALUE;
    if (b.compareTo(java.math.BigInteger.valueOf(Integer.MIN_VALUE)) < 0) return Integer.MIN_VALUE;
    return b.intValue();
  }
}
