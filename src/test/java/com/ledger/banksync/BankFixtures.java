package com.ledger.banksync;

import com.ledger.support.Api;
import com.ledger.support.Db;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import com.ledger.support.TestUsers;
import com.ledger.support.TestUsers.User;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Test data for the banksync tests: banks with branches, bank logins, jobs, the sandbox's admin API ({@link TestUsers} for users). */
final class BankFixtures {
  private static final AtomicInteger SEQ = new AtomicInteger();

  record Branch(UUID bankId, UUID branchId, String bankName) {}

  private final TestApp app;
  private final Db db;
  final Api sandbox;

  BankFixtures(TestApp app) {
    this.app = app;
    this.db = new Db(app.dbUrl);
    int port = app.app.config().sandbox().port();
    this.sandbox = Api.unchecked("http://127.0.0.1:" + port);
  }

  User user(String role) {
    return TestUsers.insert(app, role);
  }

  /** An ACTIVE bank (country US unless given) whose api_endpoint is the sandbox, with one branch. */
  Branch bank(String country) {
    return bank(country, "ACTIVE", app.app.config().bank().url());
  }

  Branch bank(String country, String status, String endpoint) {
    int n = SEQ.incrementAndGet();
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8).toUpperCase();
    String name = "Bank " + suffix;
    try (Connection c = jdbc()) {
      UUID bankId;
      try (var ps = c.prepareStatement("""
          INSERT INTO banksync.banks (name, country, code, api_endpoint, status) VALUES (?, ?, ?, ?, ?) RETURNING id""")) {
        ps.setString(1, name);
        ps.setString(2, country);
        ps.setString(3, "B_" + suffix);
        ps.setString(4, endpoint);
        ps.setString(5, status);
        try (var rs = ps.executeQuery()) {
          rs.next();
          bankId = (UUID) rs.getObject(1);
        }
      }
      UUID branchId;
      try (var ps = c.prepareStatement("""
          INSERT INTO banksync.bank_branches (name, iban, country, routing_number, swift_code, bank_id)
          VALUES (?, ?, ?, '111000025', ?, ?) RETURNING id""")) {
        ps.setString(1, "Branch " + n);
        ps.setString(2, "US" + String.format("%02d", n % 100) + suffix);
        ps.setString(3, country);
        ps.setString(4, "SW" + suffix);
        ps.setObject(5, bankId);
        try (var rs = ps.executeQuery()) {
          rs.next();
          branchId = (UUID) rs.getObject(1);
        }
      }
      return new Branch(bankId, branchId, name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** POST /api/bank-logins with a password the sandbox accepts. */
  Api.Resp connect(User u, Branch b, String username) {
    return app.api.post("/api/bank-logins", new JsonObject().put("bank_branch_id", b.branchId().toString())
        .put("username", username).put("password", "bank-password-1"), u.token());
  }

  UUID connected(User u, Branch b, String username) {
    Api.Resp r = connect(u, b, username);
    if (r.status() != 201) throw new AssertionError("connect failed: " + r);
    return UUID.fromString(r.data().getString("id"));
  }

  Api.Resp faults(JsonObject f) {
    return sandbox.post("/sandbox/admin/faults", f, null);
  }

  void resetSandbox() {
    sandbox.post("/sandbox/admin/reset", new JsonObject(), null);
  }

  JsonObject sandboxCounters() {
    return sandbox.get("/sandbox/admin/state", null).json().getJsonObject("counters");
  }

  long counter(String key) {
    return sandboxCounters().getLong(key, 0L);
  }

  Connection jdbc() throws SQLException {
    return db.connect();
  }

  long count(String sql, Object... args) {
    return db.count(sql, args);
  }

  String string(String sql, Object... args) {
    return db.string(sql, args);
  }

  void exec(String sql, Object... args) {
    db.exec(sql, args);
  }

  /** A job row as JSON: {id, state, attempt, errors, result, args, unique_key, user_id}. */
  JsonObject job(UUID id) {
    try (Connection c = jdbc(); var ps = c.prepareStatement(
        "SELECT id, state, attempt, errors::text, result::text, args::text, unique_key, user_id FROM jobs.jobs WHERE id = ?")) {
      ps.setObject(1, id);
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        return new JsonObject().put("id", rs.getString(1)).put("state", rs.getString(2)).put("attempt", rs.getInt(3))
            .put("errors", new io.vertx.core.json.JsonArray(rs.getString(4)))
            .put("result", rs.getString(5) == null ? null : new JsonObject(rs.getString(5)))
            .put("args", new JsonObject(rs.getString(6))).put("unique_key", rs.getString(7)).put("user_id", rs.getString(8));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  JsonObject awaitJob(UUID id, long timeoutMs, String... states) {
    java.util.List<String> want = java.util.List.of(states);
    Poll.until("job " + id + " in " + want, Duration.ofMillis(timeoutMs), () -> {
      JsonObject j = job(id);
      return j != null && want.contains(j.getString("state"));
    });
    return job(id);
  }

  /** POST /api/bank-logins/{id}/sync → 202; returns the job id. */
  UUID sync(User u, UUID loginId) {
    Api.Resp r = app.api.post("/api/bank-logins/" + loginId + "/sync", null, u.token());
    if (r.status() != 202) throw new AssertionError("sync failed: " + r);
    return UUID.fromString(r.data().getString("job_id"));
  }

  /** Let a new sync of this login be enqueued: move its jobs out of the 300 s uniqueness window. */
  void leaveUniquenessWindow(UUID loginId) {
    exec("UPDATE jobs.jobs SET inserted_at = inserted_at - interval '301 seconds' WHERE args->>'login_id' = ?",
        loginId.toString());
  }
}
