package com.ledger.banksync;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.TestApp;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default dev setup: demo data whose banks point at the sandbox bank. Alice logs in, sees the demo banks, and
 * syncs her seeded login, whose stored tokens are the seed's encrypted mock tokens: the sandbox does not know the
 * mock access token (401), the client refreshes with the mock refresh token and the sync completes.
 */
class DemoBankSyncTest {
  static TestApp app;
  static BankFixtures fx;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("seed_demo_data", true, "jobs.poll_interval_ms", 200, "banksync.periodic_sync", false));
    fx = new BankFixtures(app);
  }

  @AfterAll
  static void stop() {
    app.verifyLedgerAndClose();
  }

  @Test
  void alice_syncs_her_seeded_login_against_the_sandbox() {
    Api.Resp login = app.api.post("/api/auth/login",
        new JsonObject().put("email", "alice@example.com").put("password", "password123!"), null);
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    String token = login.data().getString("access_token");

    Api.Resp banks = app.api.get("/api/banks", token);
    assertThat(banks.dataArray().stream().map(b -> ((JsonObject) b).getString("code")))
        .containsExactly("DEMO_BANK_US", "TEST_BANK_UK");
    Api.Resp logins = app.api.get("/api/bank-logins", token);
    assertThat(logins.dataArray()).hasSize(1);
    JsonObject seeded = logins.dataArray().getJsonObject(0);
    assertThat(seeded.getString("username")).isEqualTo("alice123");
    assertThat(logins.body()).doesNotContain("mock_access_token").doesNotContain("mock_refresh_token");

    long rejected = fx.counter("data invalid_token");
    Api.Resp sync = app.api.post("/api/bank-logins/" + seeded.getString("id") + "/sync", null, token);
    assertThat(sync.status()).as(sync.body()).isEqualTo(202);
    JsonObject job = fx.awaitJob(UUID.fromString(sync.data().getString("job_id")), 10_000, "completed", "dead");
    assertThat(job.getString("state")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getJsonObject("result").getInteger("transactions_imported")).isEqualTo(2);
    assertThat(fx.counter("data invalid_token")).isEqualTo(rejected + 1);

    Api.Resp accounts = app.api.get("/api/accounts", token);
    assertThat(accounts.dataArray().stream().map(a -> ((JsonObject) a).getString("account_name")))
        .containsExactlyInAnyOrder("Alice Checking", "Demo Bank Checking");  // same second: the id breaks the tie
    assertThat(accounts.dataArray().stream().map(a -> (JsonObject) a)
        .filter(a -> a.getString("account_name").equals("Alice Checking")).findFirst().orElseThrow()
        .getString("balance")).isEqualTo("1500.00");
  }
}
