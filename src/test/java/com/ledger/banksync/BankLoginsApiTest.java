package com.ledger.banksync;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.security.Secrets;
import com.ledger.support.Api;
import com.ledger.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /api/banks and the bank-login CRUD against the real sandbox bank (SPEC.md §2.6, §8.2). */
class BankLoginsApiTest {
  static TestApp app;
  static BankFixtures fx;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("bank.timeout_ms", 1500, "bank.breaker_max_failures", 100));
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

  @Test
  void banks_lists_active_banks_with_branches_and_filters_by_country() {
    var u = fx.user("user");
    var us = fx.bank("US");
    var gb = fx.bank("GB");
    fx.bank("US", "INACTIVE", "http://127.0.0.1:1");
    Api.Resp all = app.api.get("/api/banks", u.token());
    assertThat(all.status()).as(all.body()).isEqualTo(200);
    JsonArray banks = all.dataArray();
    assertThat(banks.stream().map(b -> ((JsonObject) b).getString("status"))).containsOnly("ACTIVE");
    assertThat(all.json().getJsonObject("metadata").getInteger("total_count")).isEqualTo(banks.size());
    JsonObject bank = banks.stream().map(JsonObject.class::cast).filter(b -> b.getString("id").equals(us.bankId().toString()))
        .findFirst().orElseThrow();
    assertThat(bank.fieldNames()).containsExactlyInAnyOrder("id", "name", "country", "code", "logo_url", "status",
        "inserted_at", "updated_at", "branches");
    JsonObject branch = bank.getJsonArray("branches").getJsonObject(0);
    assertThat(branch.getString("id")).isEqualTo(us.branchId().toString());
    assertThat(branch.fieldNames()).containsExactlyInAnyOrder("id", "name", "iban", "country", "routing_number",
        "swift_code", "bank_id", "inserted_at", "updated_at");
    var names = banks.stream().map(b -> ((JsonObject) b).getString("name")).toList();
    assertThat(names).isSorted();

    Api.Resp onlyGb = app.api.get("/api/banks?country=GB", u.token());
    assertThat(onlyGb.dataArray().stream().map(b -> ((JsonObject) b).getString("id"))).contains(gb.bankId().toString())
        .doesNotContain(us.bankId().toString());
    assertThat(app.api.get("/api/banks", null).status()).isEqualTo(401);
  }

  @Test
  void connect_stores_the_login_with_encrypted_tokens_and_never_returns_them() {
    var u = fx.user("user");
    var b = fx.bank("US");
    Api.Resp r = fx.connect(u, b, "alice123");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonObject login = r.data();
    assertThat(login.fieldNames()).containsExactlyInAnyOrder("id", "username", "status", "last_sync_at",
        "sync_frequency", "user_id", "bank_branch_id", "scope", "provider_user_id", "inserted_at", "updated_at");
    assertThat(login.getString("status")).isEqualTo("ACTIVE");
    assertThat(login.getInteger("sync_frequency")).isEqualTo(3600);
    assertThat(login.getString("provider_user_id")).isEqualTo("sim_alice123");
    assertThat(login.getString("scope")).isEqualTo("accounts:read transactions:read");
    assertThat(login.getValue("last_sync_at")).isNull();
    assertThat(r.json().getJsonObject("metadata").getString("action")).isEqualTo("created");
    assertThat(r.body()).doesNotContain("sim_at_").doesNotContain("sim_rt_").doesNotContain("bank-password-1");

    String at = fx.string("SELECT access_token FROM banksync.user_bank_logins WHERE id = ?", UUID.fromString(login.getString("id")));
    String rt = fx.string("SELECT refresh_token FROM banksync.user_bank_logins WHERE id = ?", UUID.fromString(login.getString("id")));
    assertThat(at).startsWith("v1:").doesNotContain("sim_at_");
    assertThat(rt).startsWith("v1:").doesNotContain("sim_rt_");
    var cipher = Secrets.bankTokenCipher(app.app.config());
    assertThat(cipher.decrypt(at)).matches("sim_at_[0-9a-f]{32}");
    assertThat(cipher.decrypt(rt)).matches("sim_rt_[0-9a-f]{32}");
    assertThat(fx.count("SELECT count(*) FROM banksync.user_bank_logins WHERE access_token LIKE '%sim\\_%' OR refresh_token LIKE '%sim\\_%'"))
        .isZero();

    Api.Resp list = app.api.get("/api/bank-logins", u.token());
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.dataArray()).hasSize(1);
    assertThat(list.json().getJsonObject("metadata")).isEqualTo(new JsonObject().put("action", "listed").put("total_count", 1));
    assertThat(list.body()).doesNotContain("v1:").doesNotContain("sim_at_");
  }

  @Test
  void connect_validates_fields_in_order() {
    var u = fx.user("user");
    var b = fx.bank("US");
    String branch = b.branchId().toString();
    record Case(JsonObject body, int status, String reason, String field) {}
    var cases = java.util.List.of(
        new Case(new JsonObject(), 400, "missing_fields", "bank_branch_id"),
        new Case(new JsonObject().put("bank_branch_id", "nope"), 400, "invalid_uuid_format", "bank_branch_id"),
        new Case(new JsonObject().put("bank_branch_id", branch), 400, "missing_fields", "username"),
        new Case(new JsonObject().put("bank_branch_id", branch).put("username", "a!"), 400, "invalid_username_format", "username"),
        new Case(new JsonObject().put("bank_branch_id", branch).put("username", "ab"), 400, "invalid_username_format", "username"),
        new Case(new JsonObject().put("bank_branch_id", branch).put("username", "alice1"), 400, "missing_fields", "password"),
        new Case(new JsonObject().put("bank_branch_id", branch).put("username", "alice1").put("password", ""), 400, "missing_fields", "password"),
        new Case(new JsonObject().put("bank_branch_id", branch).put("username", "alice1").put("password", "x".repeat(256)), 400, "missing_fields", "password"),
        new Case(new JsonObject().put("bank_branch_id", branch).put("username", "alice1").put("password", "bank-password-1")
            .put("sync_frequency", 299), 400, "missing_fields", "sync_frequency"),
        new Case(new JsonObject().put("bank_branch_id", branch).put("username", "alice1").put("password", "bank-password-1")
            .put("sync_frequency", 86401), 400, "missing_fields", "sync_frequency"),
        new Case(new JsonObject().put("bank_branch_id", UUID.randomUUID().toString()).put("username", "alice1")
            .put("password", "bank-password-1"), 404, "bank_not_found", null),
        new Case(new JsonObject().put("bank_branch_id", branch).put("username", "alice1").put("password", "wrong-password"),
            422, "bank_credentials_invalid", null),
        new Case(new JsonObject().put("bank_branch_id", branch).put("username", "alice1").put("password", "short"),
            422, "bank_credentials_invalid", null));
    for (Case c : cases) {
      Api.Resp r = app.api.post("/api/bank-logins", c.body(), u.token());
      assertThat(r.status()).as(c + " → " + r.body()).isEqualTo(c.status());
      assertThat(r.reason()).as(c.toString()).isEqualTo(c.reason());
      if (c.field() != null) assertThat(r.json().getJsonObject("details").getString("field")).isEqualTo(c.field());
      assertThat(r.body()).doesNotContain("bank-password-1");
    }
    var inactive = fx.bank("US", "INACTIVE", "http://127.0.0.1:1");
    Api.Resp r = fx.connect(u, inactive, "alice1");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.reason()).isEqualTo("bank_not_found");
    assertThat(fx.count("SELECT count(*) FROM banksync.user_bank_logins WHERE user_id = ?", u.id())).isZero();
  }

  @Test
  void sync_frequency_is_judged_by_its_literal_text() {
    var u = fx.user("user");
    var b = fx.bank("US");
    String head = "{\"bank_branch_id\": \"" + b.branchId() + "\", \"username\": \"lit%d\", "
        + "\"password\": \"bank-password-1\", \"sync_frequency\": %s}";
    int n = 0;
    for (String literal : new String[] {"1e400", "-1e400", "1e-400", "3.6e3", "3600.0", "-0", "3600.5",
        "123456789012345678901234567890", "\"3600\"", "true"}) {
      Api.Resp r = app.api.post("/api/bank-logins", String.format(head, n++, literal), u.token());
      assertThat(r.status()).as(literal + " → " + r.body()).isEqualTo(400);
      assertThat(r.reason()).isEqualTo("missing_fields");
      assertThat(r.json().getJsonObject("details").getString("field")).isEqualTo("sync_frequency");
    }
    assertThat(fx.count("SELECT count(*) FROM banksync.user_bank_logins WHERE user_id = ?", u.id())).isZero();
    Api.Resp ok = app.api.post("/api/bank-logins", String.format(head, n, "900"), u.token());
    assertThat(ok.status()).as(ok.body()).isEqualTo(201);
    assertThat(ok.data().getInteger("sync_frequency")).isEqualTo(900);
  }

  @Test
  void connect_twice_is_a_conflict_and_sync_frequency_is_kept() {
    var u = fx.user("user");
    var b = fx.bank("US");
    Api.Resp first = app.api.post("/api/bank-logins", new JsonObject().put("bank_branch_id", b.branchId().toString())
        .put("username", "bob456").put("password", "bank-password-1").put("sync_frequency", 900), u.token());
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(first.data().getInteger("sync_frequency")).isEqualTo(900);
    Api.Resp again = fx.connect(u, b, "bob456");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.reason()).isEqualTo("bank_login_exists");
    // another user may use the same username at the same branch
    assertThat(fx.connect(fx.user("user"), b, "bob456").status()).isEqualTo(201);
  }

  @Test
  void connect_reports_a_failing_bank_as_bank_api_error_503() {
    var u = fx.user("user");
    var b = fx.bank("US");
    fx.faults(new JsonObject().put("fail", new JsonObject().put("path", "/oauth2/token").put("status", 500).put("count", 10)));
    Api.Resp r = fx.connect(u, b, "carol1");
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.reason()).isEqualTo("bank_api_error");
    assertThat(r.header("Retry-After")).isEqualTo("1");
    assertThat(r.json().getBoolean("retryable")).isTrue();
    fx.resetSandbox();
    // a bank that is only briefly failing is retried by the client
    fx.faults(new JsonObject().put("fail", new JsonObject().put("path", "/oauth2/token").put("status", 503).put("count", 1)));
    Api.Resp ok = fx.connect(u, b, "carol1");
    assertThat(ok.status()).as(ok.body()).isEqualTo(201);
    // unreachable bank
    var dead = fx.bank("US", "ACTIVE", "http://127.0.0.1:1");
    Api.Resp unreachable = fx.connect(u, dead, "carol1");
    assertThat(unreachable.status()).as(unreachable.body()).isEqualTo(503);
    assertThat(unreachable.reason()).isEqualTo("bank_api_error");
  }

  @Test
  void a_429_from_the_bank_is_retried_after_its_retry_after() {
    var u = fx.user("user");
    var b = fx.bank("US");
    fx.faults(new JsonObject().put("rate_limit_for_seconds", 1).put("retry_after_seconds", 2));
    long t0 = System.nanoTime();
    Api.Resp r = fx.connect(u, b, "patient1");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(ms).isGreaterThanOrEqualTo(1900);
    assertThat(fx.counter("faults 429")).isEqualTo(1);
  }

  @Test
  void connect_times_out_as_bank_api_error() {
    var u = fx.user("user");
    var b = fx.bank("US");
    fx.faults(new JsonObject().put("slow", new JsonObject().put("path", "/oauth2/token").put("latency_ms", 3000).put("count", 1)));
    long t0 = System.nanoTime();
    Api.Resp r = fx.connect(u, b, "dave1");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.reason()).isEqualTo("bank_api_error");
    assertThat(ms).isLessThan(2900);
  }

  @Test
  void delete_is_for_the_owner_or_an_admin_and_cascades() {
    var owner = fx.user("user");
    var other = fx.user("user");
    var support = fx.user("support");
    var admin = fx.user("admin");
    var b = fx.bank("US");
    UUID id = fx.connected(owner, b, "erin1");
    assertThat(app.api.delete("/api/bank-logins/not-a-uuid", owner.token()).reason()).isEqualTo("invalid_uuid_format");
    Api.Resp missing = app.api.delete("/api/bank-logins/" + UUID.randomUUID(), owner.token());
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.reason()).isEqualTo("account_not_found");
    assertThat(app.api.delete("/api/bank-logins/" + id, other.token()).status()).isEqualTo(403);
    assertThat(app.api.delete("/api/bank-logins/" + id, support.token()).status()).isEqualTo(403);
    Api.Resp ok = app.api.delete("/api/bank-logins/" + id, admin.token());
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.data().getString("message")).isEqualTo("Bank login deleted successfully");
    assertThat(fx.count("SELECT count(*) FROM banksync.user_bank_logins WHERE id = ?", id)).isZero();
    UUID mine = fx.connected(owner, b, "erin2");
    assertThat(app.api.delete("/api/bank-logins/" + mine, owner.token()).status()).isEqualTo(200);
  }

  @Test
  void sync_checks_existence_then_permissions() {
    var owner = fx.user("user");
    var other = fx.user("user");
    var b = fx.bank("US");
    UUID id = fx.connected(owner, b, "frank1");
    Api.Resp missing = app.api.post("/api/bank-logins/" + UUID.randomUUID() + "/sync", null, owner.token());
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.reason()).isEqualTo("account_not_found");
    Api.Resp forbidden = app.api.post("/api/bank-logins/" + id + "/sync", null, other.token());
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.reason()).isEqualTo("insufficient_permissions");
    assertThat(app.api.post("/api/bank-logins/not-a-uuid/sync", null, owner.token()).reason()).isEqualTo("invalid_uuid_format");
    Api.Resp bySupport = app.api.post("/api/bank-logins/" + id + "/sync", null, fx.user("support").token());
    assertThat(bySupport.status()).as(bySupport.body()).isEqualTo(202);
    Api.Resp byAdmin = app.api.post("/api/bank-logins/" + id + "/sync", null, fx.user("admin").token());
    assertThat(byAdmin.status()).isEqualTo(202);
    assertThat(byAdmin.data().getString("job_id")).isEqualTo(bySupport.data().getString("job_id"));
    assertThat(byAdmin.data().getBoolean("duplicate")).isTrue();
    // the job belongs to the login's owner, whoever asked
    assertThat(fx.job(UUID.fromString(byAdmin.data().getString("job_id"))).getString("user_id")).isEqualTo(owner.id().toString());
  }
}
