package com.ledger.support;

import com.ledger.LedgerApp;
import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the real application (all roles unless overridden) on random ports against a fresh database.
 * Defaults for tests: app.env test, rate limit off, no demo data, cheaper Argon2 (m=4096, t=1).
 * Overrides are dotted config keys: {@code Map.of("rate_limit.enabled", true)}.
 */
public final class TestApp implements AutoCloseable {
  public static final String JWT_SECRET = "test-secret-0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

  public final LedgerApp app;
  public final String dbUrl;
  public final int port;
  public final Api api;
  private final boolean ownsDb;

  private TestApp(LedgerApp app, String dbUrl, int port, boolean ownsDb) {
    this.app = app;
    this.dbUrl = dbUrl;
    this.port = port;
    this.ownsDb = ownsDb;
    this.api = new Api("http://127.0.0.1:" + port);
  }

  public static TestApp start() {
    return start(Map.of());
  }

  public static TestApp start(Map<String, Object> overrides) {
    Map<String, Object> o = settings(overrides);
    boolean ownsDb = !overrides.containsKey("db.url");
    if (ownsDb) o.put("db.url", TestDatabase.fresh());
    LedgerApp app = LedgerApp.start(config(o));
    return new TestApp(app, (String) o.get("db.url"), ((Number) o.get("http.port")).intValue(), ownsDb);
  }

  /** Test defaults (fresh random ports every call) with the overrides on top. */
  public static Map<String, Object> settings(Map<String, Object> overrides) {
    Map<String, Object> o = new HashMap<>();
    o.put("app.env", "test");
    o.put("jwt.secret", JWT_SECRET);
    o.put("rate_limit.enabled", false);
    o.put("seed_demo_data", false);
    o.put("db.create_database", false);
    o.put("http.port", freePort());
    o.put("http.host", "127.0.0.1");
    o.put("http.instances", 1);
    o.put("sandbox_bank.port", freePort());
    o.put("management.port", freePort());  // the health/metrics listener of nodes without the http role
    o.put("auth.password.memory_kib", 4096);
    o.put("auth.password.iterations", 1);
    o.put("cluster.enabled", false);
    o.putAll(overrides);
    o.putIfAbsent("bank.url", "http://127.0.0.1:" + o.get("sandbox_bank.port"));
    return o;
  }

  /** The jar's defaults with the given dotted keys set (no environment). */
  public static AppConfig config(Map<String, Object> settings) {
    JsonObject json = ConfigLoader.load(null, Map.of());
    settings.forEach((k, v) -> put(json, k, v));
    return AppConfig.from(json);
  }

  static void put(JsonObject json, String dotted, Object value) {
    String[] parts = dotted.split("\\.");
    JsonObject node = json;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject child = node.getJsonObject(parts[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = child;
    }
    node.put(parts[parts.length - 1], value);
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Issue 12: {@code payments.ledger_verify()} finds nothing on this app's database — every journal entry balances,
   * every chain recomputes, every existing account's balance is the sum of its lines, every COMPLETED payment has
   * exactly one entry. One SQL call; for the {@code @AfterAll} of every end-to-end class that moves money.
   */
  public void assertLedgerVerifies() {
    assertLedgerVerifies(dbUrl);
  }

  /** {@link #assertLedgerVerifies()} on any test database (one several nodes share, say). */
  public static void assertLedgerVerifies(String dbUrl) {
    List<String> found = ledgerDiscrepancies(dbUrl, "true");
    if (!found.isEmpty()) {
      throw new AssertionError("ledger discrepancies (" + found.size() + ", at most 20 listed): "
          + found.subList(0, Math.min(20, found.size())));
    }
  }

  /**
   * What {@code payments.ledger_verify()} finds on a test database, one line each, filtered by {@code where} (SQL on
   * its columns kind, account_id, entry_id, expected, actual): for a class that knows of a discrepancy it must
   * tolerate and checks everything else.
   */
  public static List<String> ledgerDiscrepancies(String dbUrl, String where) {
    return new Db(dbUrl).strings("SELECT kind || ' account=' || coalesce(account_id::text, '-')"
        + " || ' entry=' || coalesce(entry_id::text, '-') || ' expected=' || coalesce(expected, '-')"
        + " || ' actual=' || coalesce(actual, '-') FROM payments.ledger_verify() WHERE " + where);
  }

  /** {@link #assertLedgerVerifies()}, then {@link #close()} even when it fails: an end-to-end class's teardown. */
  public void verifyLedgerAndClose() {
    try {
      assertLedgerVerifies();
    } finally {
      close();
    }
  }

  @Override
  public void close() {
    app.close();
    if (ownsDb) TestDatabase.drop(dbUrl);
  }
}
