package com.ledger.banksync;

import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.TestApp;
import com.ledger.support.TestUsers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bank reconciliation (issue 12) end to end against the sandbox bank: a cleanly imported login reconciles as all
 * matched; a bank-side discrepancy planted with the sandbox's faults (an extra transaction, an altered amount) is
 * found; a transaction imported but no longer at the bank is missing at the bank.
 */
class ReconciliationTest {
  static TestApp app;
  static BankFixtures fx;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("jobs.poll_interval_ms", 200));
    fx = new BankFixtures(app);
  }

  @AfterAll
  static void stop() {
    app.verifyLedgerAndClose();
  }

  @AfterEach
  void resetSandbox() {
    fx.resetSandbox();
  }

  /** A login connected and synced once (one account, the sandbox's two transactions imported). */
  private static UUID syncedLogin(TestUsers.User u) {
    UUID login = fx.connected(u, fx.bank("US"), "user" + UUID.randomUUID().toString().substring(0, 6));
    JsonObject job = fx.awaitJob(fx.sync(u, login), 15_000, "completed", "dead");
    assertThat(job.getString("state")).as(job.encode()).isEqualTo("completed");
    return login;
  }

  private static JsonObject reconcile(TestUsers.User admin, UUID login) {
    Api.Resp r = app.api.post("/api/admin/reconciliations", new JsonObject().put("bank_login_id", login.toString()),
        admin.token());
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    assertThat(r.data().getString("status")).isEqualTo("PENDING");
    String id = r.data().getString("id");
    JsonObject job = fx.awaitJob(UUID.fromString(r.data().getString("job_id")), 15_000, "completed", "dead");
    assertThat(job.getString("state")).as(job.encode()).isEqualTo("completed");
    Api.Resp got = app.api.get("/api/admin/reconciliations/" + id, admin.token());
    assertThat(got.status()).as(got.body()).isEqualTo(200);
    assertThat(got.data().getString("status")).isEqualTo("COMPLETED");
    assertThat(got.data().getString("bank_login_id")).isEqualTo(login.toString());
    return got.data();
  }

  @Test
  void a_cleanly_imported_login_is_all_matched() {
    TestUsers.User u = fx.user("user");
    UUID login = syncedLogin(u);
    // the sync itself was followed by a reconciliation of its window (no job of its own)
    assertThat(fx.count("SELECT count(*) FROM payments.reconciliations WHERE bank_login_id = ? AND job_id IS NULL "
        + "AND status = 'COMPLETED' AND matched = 2 AND missing_in_ledger = '[]' AND missing_at_bank = '[]' "
        + "AND amount_mismatches = '[]'", login))
        .as(fx.string("SELECT json_agg(r)::text FROM payments.reconciliations r WHERE bank_login_id = ?", login))
        .isEqualTo(1);
    JsonObject rec = reconcile(fx.user("admin"), login);
    assertThat(rec.getInteger("matched")).isEqualTo(2);
    assertThat(rec.getJsonArray("missing_in_ledger")).isEmpty();
    assertThat(rec.getJsonArray("missing_at_bank")).isEmpty();
    assertThat(rec.getJsonArray("amount_mismatches")).isEmpty();
  }

  @Test
  void a_planted_bank_side_discrepancy_is_found() {
    TestUsers.User u = fx.user("user");
    UUID login = syncedLogin(u);
    String ext = "SIM" + login.toString().replace("-", "").substring(0, 16).toUpperCase();
    assertThat(fx.faults(new JsonObject().put("extra_transaction", true).put("alter_transaction", true)).status())
        .isEqualTo(200);
    JsonObject rec = reconcile(fx.user("admin"), login);
    assertThat(rec.getInteger("matched")).isEqualTo(1);
    JsonArray missing = rec.getJsonArray("missing_in_ledger");
    assertThat(missing).hasSize(1);
    assertThat(missing.getJsonObject(0).getString("external_transaction_id")).isEqualTo(ext + "TX");
    assertThat(missing.getJsonObject(0).getString("amount")).isEqualTo("12.34");
    JsonArray mismatches = rec.getJsonArray("amount_mismatches");
    assertThat(mismatches).hasSize(1);
    assertThat(mismatches.getJsonObject(0).getString("external_transaction_id")).isEqualTo(ext + "T2");
    assertThat(mismatches.getJsonObject(0).getString("bank_amount")).isEqualTo("51.00");
    assertThat(mismatches.getJsonObject(0).getString("ledger_amount")).isEqualTo("50.00");
    assertThat(rec.getJsonArray("missing_at_bank")).isEmpty();
  }

  @Test
  void an_imported_transaction_the_bank_no_longer_reports_is_missing_at_bank() {
    TestUsers.User u = fx.user("user");
    UUID login = syncedLogin(u);
    String ext = "SIM" + login.toString().replace("-", "").substring(0, 16).toUpperCase();
    // a bank-sourced row the bank never sent (e.g. imported from a previous bank state)
    fx.exec("""
        INSERT INTO payments.transactions (description, amount, direction, posted_at, account_id, user_id,
                                           external_transaction_id)
        SELECT 'Ghost', 7.00, 'DEBIT', date_trunc('second', now()), a.id, a.user_id, ? FROM payments.user_bank_accounts a
         WHERE a.external_account_id = ?""", ext + "G1", ext);
    JsonObject rec = reconcile(fx.user("admin"), login);
    assertThat(rec.getInteger("matched")).isEqualTo(2);
    assertThat(rec.getJsonArray("missing_at_bank")).hasSize(1);
    assertThat(rec.getJsonArray("missing_at_bank").getJsonObject(0).getString("external_transaction_id"))
        .isEqualTo(ext + "G1");
  }

  @Test
  void admin_only_and_bad_input() {
    TestUsers.User u = fx.user("user");
    TestUsers.User admin = fx.user("admin");
    assertProblem(app.api.post("/api/admin/reconciliations", new JsonObject().put("bank_login_id",
        UUID.randomUUID().toString()), u.token()), 403, "insufficient_permissions");
    assertProblem(app.api.post("/api/admin/reconciliations", new JsonObject(), admin.token()), 400, "missing_fields",
        "bank_login_id");
    assertProblem(app.api.post("/api/admin/reconciliations", new JsonObject().put("bank_login_id", "nope"),
        admin.token()), 400, "invalid_uuid_format", "bank_login_id");
    assertProblem(app.api.post("/api/admin/reconciliations", new JsonObject().put("bank_login_id",
        UUID.randomUUID().toString()), admin.token()), 404, "account_not_found");
    assertProblem(app.api.get("/api/admin/reconciliations/" + UUID.randomUUID(), admin.token()), 404,
        "reconciliation_not_found");
    assertProblem(app.api.get("/api/admin/reconciliations/" + UUID.randomUUID(), u.token()), 403,
        "insufficient_permissions");
  }
}
