package com.ledger.banksync;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.ledger.platform.security.Secrets;
import com.ledger.platform.security.TokenCipher;
import com.ledger.support.Api;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A sync end to end (SPEC.md §8.3) against the real sandbox bank: jobs on the banking queue, the hand-over to the
 * ledger by message, idempotent re-syncs, token refresh, retries by the catalog, periodic sync, and no bank token
 * in the database as plaintext, in a response or in a log line.
 */
class BankSyncFlowTest {
  static TestApp app;
  static BankFixtures fx;
  static TokenCipher cipher;
  static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

  @BeforeAll
  static void start() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    LOGS.setContext(ctx);
    LOGS.start();
    ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(LOGS);
    app = TestApp.start(Map.of("bank.timeout_ms", 2000, "bank.breaker_max_failures", 1000,
        "jobs.poll_interval_ms", 200, "banksync.schedule_interval_ms", 300));
    fx = new BankFixtures(app);
    cipher = Secrets.bankTokenCipher(app.app.config());
  }

  @AfterAll
  static void stop() {
    try {
      app.verifyLedgerAndClose();
    } finally {
      ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(LOGS);
    }
  }

  @AfterEach
  void resetSandbox() {
    fx.resetSandbox();
  }

  private static String ext(UUID loginId) {
    return "SIM" + loginId.toString().replace("-", "").substring(0, 16).toUpperCase();
  }

  @Test
  void connect_sync_import_and_resync_adds_nothing_twice() throws SQLException {
    var u = fx.user("user");
    var b = fx.bank("US");
    UUID login = fx.connected(u, b, "alice123");

    long t0 = System.nanoTime();
    Api.Resp first = app.api.post("/api/bank-logins/" + login + "/sync", null, u.token());
    assertThat(first.status()).as(first.body()).isEqualTo(202);
    JsonObject t = first.data();
    UUID jobId = UUID.fromString(t.getString("job_id"));
    assertThat(t.getString("login_id")).isEqualTo(login.toString());
    assertThat(t.getBoolean("duplicate")).isFalse();
    assertThat(t.getString("message")).isEqualTo("Operation scheduled successfully");
    assertThat(t.getString("check_status_url")).isEqualTo("/api/jobs/" + jobId);
    assertThat(first.json().getJsonObject("metadata").getString("action")).isEqualTo("sync_scheduled");
    Api.Resp second = app.api.post("/api/bank-logins/" + login + "/sync", null, u.token());
    assertThat(second.status()).isEqualTo(202);
    assertThat(second.data().getString("job_id")).isEqualTo(jobId.toString());
    assertThat(second.data().getBoolean("duplicate")).isTrue();

    JsonObject job = fx.awaitJob(jobId, 10_000, "completed", "dead");
    System.out.println("sync request → job completed (ms, 50 ms polling): " + (System.nanoTime() - t0) / 1_000_000);
    assertThat(job.getString("state")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getJsonObject("result")).isEqualTo(new JsonObject().put("login_id", login.toString())
        .put("accounts_synced", 1).put("transactions_imported", 2));
    assertThat(job.getString("user_id")).isEqualTo(u.id().toString());
    assertThat(job.getJsonObject("args")).isEqualTo(new JsonObject().put("login_id", login.toString()));
    Api.Resp status = app.api.get(t.getString("check_status_url"), u.token());
    assertThat(status.status()).as(status.body()).isEqualTo(200);
    assertThat(status.data().getString("worker")).isEqualTo("BankSyncWorker");
    assertThat(status.data().getString("queue")).isEqualTo("banking");
    assertThat(status.data().getString("state")).isEqualTo("completed");
    assertThat(status.data().getInteger("max_attempts")).isEqualTo(5);
    assertThat(status.data().getInteger("priority")).isZero();
    assertThat(fx.count("SELECT timeout_seconds FROM jobs.jobs WHERE id = ?", jobId)).isEqualTo(600);

    String ext = ext(login);
    try (var c = fx.jdbc(); var ps = c.prepareStatement("""
        SELECT a.id, a.currency, a.account_type, a.balance, a.last_four, a.account_name, a.status, a.last_sync_at,
               a.user_id, a.user_bank_login_id FROM payments.user_bank_accounts a WHERE a.external_account_id = ?""")) {
      ps.setString(1, ext);
      try (var rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("currency")).isEqualTo("USD");
        assertThat(rs.getString("account_type")).isEqualTo("CHECKING");
        assertThat(rs.getBigDecimal("balance")).isEqualByComparingTo(new BigDecimal("250.00"));
        assertThat(rs.getString("last_four")).isEqualTo("4242");
        assertThat(rs.getString("account_name")).isEqualTo(b.bankName() + " Checking");
        assertThat(rs.getString("status")).isEqualTo("ACTIVE");
        assertThat(rs.getTimestamp("last_sync_at")).isNotNull();
        assertThat(rs.getObject("user_id")).isEqualTo(u.id());
        assertThat(rs.getObject("user_bank_login_id")).isEqualTo(login);
      }
    }
    assertThat(txns(ext)).containsExactly("CREDIT 300.00 Opening deposit " + ext + "T1", "DEBIT 50.00 Card purchase " + ext + "T2");
    assertThat(fx.count("""
        SELECT count(*) FROM payments.transactions t JOIN banksync.user_bank_logins l ON l.id = ?
        WHERE t.external_transaction_id LIKE ? AND t.posted_at = l.inserted_at""", login, ext + "T%")).isEqualTo(2);
    Api.Resp logins = app.api.get("/api/bank-logins", u.token());
    assertThat(logins.dataArray().getJsonObject(0).getString("last_sync_at")).isNotNull();

    // through the ledger's API
    Api.Resp accounts = app.api.get("/api/accounts", u.token());
    assertThat(accounts.status()).as(accounts.body()).isEqualTo(200);
    assertThat(accounts.dataArray()).hasSize(1);
    JsonObject account = accounts.dataArray().getJsonObject(0);
    assertThat(account.getString("external_account_id")).isEqualTo(ext);
    assertThat(account.getString("balance")).isEqualTo("250.00");
    assertThat(account.getString("currency")).isEqualTo("USD");
    assertThat(account.getString("user_bank_login_id")).isEqualTo(login.toString());
    assertThat(account.getString("last_sync_at")).isNotNull();
    Api.Resp history = app.api.get("/api/accounts/" + account.getString("id") + "/transactions", u.token());
    assertThat(history.status()).as(history.body()).isEqualTo(200);
    assertThat(history.dataArray()).hasSize(2);
    assertThat(history.dataArray().stream().map(o -> ((JsonObject) o).getString("external_transaction_id")))
        .containsExactlyInAnyOrder(ext + "T1", ext + "T2");
    JsonObject deposit = history.dataArray().stream().map(JsonObject.class::cast)
        .filter(o -> o.getString("external_transaction_id").equals(ext + "T1")).findFirst().orElseThrow();
    assertThat(deposit.getString("amount")).isEqualTo("300.00");
    assertThat(deposit.getString("direction")).isEqualTo("CREDIT");
    assertThat(deposit.getString("description")).isEqualTo("Opening deposit");
    assertThat(deposit.getValue("payment_id")).isNull();
    assertThat(deposit.getString("posted_at")).isEqualTo(logins.dataArray().getJsonObject(0).getString("inserted_at"));

    // the journal (issue 12): the first import opened the account at the bank's reported balance against the bank's
    // settlement account; imported bank transactions are not entries (they do not move the balance, SPEC §8.3)
    assertThat(fx.string("""
        SELECT string_agg(e.source_type || ' ' || l.amount || ' ' || coalesce(l.system_account, 'user'), ', '
                          ORDER BY l.line_no)
          FROM payments.journal_entries e JOIN payments.journal_lines l ON l.entry_id = e.id
         WHERE e.source_id = ?::uuid""", account.getString("id")))
        .matches("opening 250\\.00 user, opening -250\\.00 settlement:\\S+");
    assertThat(fx.count("SELECT count(*) FROM payments.journal_entries WHERE source_type = 'payment'")).isZero();
    assertThat(fx.count("SELECT count(*) FROM payments.ledger_verify()")).isZero();

    // the local ledger is authoritative after the first import: a re-sync keeps the balance, refreshes the name.
    // The local balance moves away from the bank's (250.00) by a payment posted here (journaled), not a plain UPDATE
    Api.Resp local = app.api.post("/api/payments", new JsonObject().put("amount", "126.55").put("direction", "DEBIT")
        .put("payment_type", "PAYMENT").put("description", "Local debit").put("user_bank_account_id",
            account.getString("id")), u.token());
    assertThat(local.status()).as(local.body()).isEqualTo(201);
    Api.Resp posted = app.api.post("/api/payments/" + local.data().getString("id") + "/process", null, u.token());
    assertThat(posted.status()).as(posted.body()).isEqualTo(200);
    fx.exec("UPDATE payments.user_bank_accounts SET account_name = 'Renamed' WHERE external_account_id = ?", ext);
    fx.leaveUniquenessWindow(login);
    UUID again = fx.sync(u, login);
    assertThat(again).isNotEqualTo(jobId);
    JsonObject job2 = fx.awaitJob(again, 10_000, "completed", "dead");
    assertThat(job2.getJsonObject("result").getInteger("transactions_imported")).as(job2.encode()).isZero();
    assertThat(job2.getJsonObject("result").getInteger("accounts_synced")).isEqualTo(1);
    assertThat(fx.count("SELECT count(*) FROM payments.user_bank_accounts WHERE user_bank_login_id = ?", login)).isEqualTo(1);
    assertThat(txns(ext)).hasSize(3);  // the two imported and the local payment's
    assertThat(fx.string("SELECT balance::text FROM payments.user_bank_accounts WHERE external_account_id = ?", ext))
        .isEqualTo("123.45");
    assertThat(fx.string("SELECT account_name FROM payments.user_bank_accounts WHERE external_account_id = ?", ext))
        .isEqualTo(b.bankName() + " Checking");
    Api.Resp after = app.api.get("/api/accounts", u.token());
    assertThat(after.dataArray()).hasSize(1);
    assertThat(after.dataArray().getJsonObject(0).getString("balance")).isEqualTo("123.45");
    assertThat(app.api.get("/api/accounts/" + account.getString("id") + "/transactions", u.token()).dataArray()).hasSize(3);
  }

  @Test
  void an_expired_access_token_is_refreshed_transparently() {
    var u = fx.user("user");
    var b = fx.bank("GB");
    UUID login = fx.connected(u, b, "bob456");
    String before = cipher.decrypt(fx.string("SELECT access_token FROM banksync.user_bank_logins WHERE id = ?", login));
    long refreshes = fx.counter("token refresh");
    long rejected = fx.counter("data invalid_token");
    // the bank expires every access token; our copy still looks valid for an hour → the 401 path
    assertThat(fx.sandbox.post("/sandbox/admin/expire-tokens", new JsonObject(), null).json().getInteger("expired"))
        .isPositive();
    JsonObject job = fx.awaitJob(fx.sync(u, login), 10_000, "completed", "dead");
    assertThat(job.getString("state")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getInteger("attempt")).isEqualTo(1);
    assertThat(job.getJsonObject("result").getInteger("transactions_imported")).isEqualTo(2);
    assertThat(fx.counter("data invalid_token")).isEqualTo(rejected + 1);
    assertThat(fx.counter("token refresh")).isEqualTo(refreshes + 1);
    String after = cipher.decrypt(fx.string("SELECT access_token FROM banksync.user_bank_logins WHERE id = ?", login));
    assertThat(after).isNotEqualTo(before).startsWith("sim_at_");
    assertThat(fx.string("SELECT currency FROM payments.user_bank_accounts WHERE user_bank_login_id = ?", login)).isEqualTo("GBP");

    // a token about to expire (within 300 s) is refreshed before use: no 401 this time
    fx.exec("UPDATE banksync.user_bank_logins SET token_expires_at = now() + interval '60 seconds' WHERE id = ?", login);
    fx.leaveUniquenessWindow(login);
    JsonObject job2 = fx.awaitJob(fx.sync(u, login), 10_000, "completed", "dead");
    assertThat(job2.getString("state")).as(job2.encode()).isEqualTo("completed");
    assertThat(fx.counter("token refresh")).isEqualTo(refreshes + 2);
    assertThat(fx.counter("data invalid_token")).isEqualTo(rejected + 1);
    assertThat(fx.count("SELECT count(*) FROM banksync.user_bank_logins WHERE id = ? AND token_expires_at > now() + interval '3000 seconds'", login))
        .isEqualTo(1);
  }

  @Test
  void a_rejected_refresh_puts_the_login_in_error_and_dead_letters_the_job() {
    var u = fx.user("user");
    var b = fx.bank("US");
    UUID login = fx.connected(u, b, "carol1");
    fx.exec("UPDATE banksync.user_bank_logins SET refresh_token = ?, token_expires_at = now() - interval '1 second' WHERE id = ?",
        cipher.encrypt("short"), login);
    JsonObject job = fx.awaitJob(fx.sync(u, login), 10_000, "completed", "dead");
    assertThat(job.getString("state")).as(job.encode()).isEqualTo("dead");
    assertThat(job.getInteger("attempt")).isEqualTo(1);
    JsonObject err = job.getJsonArray("errors").getJsonObject(0);
    assertThat(err.getString("reason")).isEqualTo("bank_credentials_invalid");
    assertThat(err.getString("category")).isEqualTo("business_rule");
    assertThat(fx.string("SELECT status FROM banksync.user_bank_logins WHERE id = ?", login)).isEqualTo("ERROR");
    assertThat(fx.string("SELECT status_reason FROM banksync.user_bank_logins WHERE id = ?", login))
        .isEqualTo("bank_credentials_invalid");
    assertThat(app.api.get("/api/bank-logins", u.token()).dataArray().getJsonObject(0).getString("status")).isEqualTo("ERROR");
    assertThat(fx.count("SELECT count(*) FROM payments.user_bank_accounts WHERE user_bank_login_id = ?", login)).isZero();
  }

  @Test
  void a_timed_out_bank_call_is_retried_with_backoff_and_imports_once() {
    var u = fx.user("user");
    var b = fx.bank("US");
    UUID login = fx.connected(u, b, "dave1");
    fx.faults(new JsonObject().put("slow", new JsonObject().put("path", "/transactions").put("latency_ms", 4000).put("count", 1)));
    UUID jobId = fx.sync(u, login);
    JsonObject job = fx.awaitJob(jobId, 15_000, "completed", "dead");
    assertThat(job.getString("state")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getInteger("attempt")).isEqualTo(2);
    JsonArray errors = job.getJsonArray("errors");
    assertThat(errors).hasSize(1);
    assertThat(errors.getJsonObject(0).getString("reason")).isEqualTo("timeout");
    assertThat(errors.getJsonObject(0).getString("category")).isEqualTo("external_dependency");
    assertThat(job.getJsonObject("result").getInteger("transactions_imported")).isEqualTo(2);
    assertThat(txns(ext(login))).hasSize(2);
    assertThat(fx.count("SELECT count(*) FROM payments.user_bank_accounts WHERE user_bank_login_id = ?", login)).isEqualTo(1);
  }

  @Test
  void a_flaky_login_syncs_on_the_retry() {
    var u = fx.user("user");
    var b = fx.bank("US");
    UUID login = fx.connected(u, b, "flaky1");
    long flaky = fx.counter("faults flaky");
    JsonObject job = fx.awaitJob(fx.sync(u, login), 10_000, "completed", "dead");
    assertThat(job.getString("state")).as(job.encode()).isEqualTo("completed");
    assertThat(fx.counter("faults flaky")).isEqualTo(flaky + 1);
    assertThat(job.getJsonObject("result").getInteger("transactions_imported")).isEqualTo(2);
    assertThat(txns(ext(login))).hasSize(2);
  }

  @Test
  void deleting_a_login_cancels_its_pending_sync_and_cascades() {
    var u = fx.user("user");
    var b = fx.bank("US");
    UUID synced = fx.connected(u, b, "erin1");
    fx.awaitJob(fx.sync(u, synced), 10_000, "completed");
    assertThat(txns(ext(synced))).hasSize(2);
    assertThat(app.api.delete("/api/bank-logins/" + synced, u.token()).status()).isEqualTo(200);
    assertThat(fx.count("SELECT count(*) FROM payments.user_bank_accounts WHERE external_account_id = ?", ext(synced))).isZero();
    assertThat(txns(ext(synced))).isEmpty();

    UUID pending = fx.connected(u, b, "erin2");
    fx.faults(new JsonObject().put("down_for_seconds", 60));
    UUID jobId = fx.sync(u, pending);
    JsonObject retryable = fx.awaitJob(jobId, 10_000, "retryable", "dead");
    assertThat(retryable.getString("state")).isEqualTo("retryable");
    assertThat(app.api.delete("/api/bank-logins/" + pending, u.token()).status()).isEqualTo(200);
    assertThat(fx.job(jobId).getString("state")).isEqualTo("cancelled");
  }

  @Test
  void logins_are_synced_periodically_per_sync_frequency() {
    var u = fx.user("user");
    var b = fx.bank("US");
    Api.Resp r = app.api.post("/api/bank-logins", new JsonObject().put("bank_branch_id", b.branchId().toString())
        .put("username", "periodic1").put("password", "bank-password-1").put("sync_frequency", 300), u.token());
    UUID due = UUID.fromString(r.data().getString("id"));
    UUID notDue = fx.connected(u, b, "periodic2");
    fx.exec("UPDATE banksync.user_bank_logins SET inserted_at = inserted_at - interval '301 seconds' WHERE id = ?", due);
    Poll.until("periodic sync", Duration.ofMillis(10_000), () ->
        fx.count("SELECT count(*) FROM banksync.user_bank_logins WHERE id = ? AND last_sync_at IS NOT NULL", due) == 1);
    // the worker writes last_sync_at, then completes its job in its own step
    Poll.until("the periodic sync job completed", Duration.ofMillis(10_000), () -> fx.count(
        "SELECT count(*) FROM jobs.jobs WHERE args->>'login_id' = ? AND state = 'completed'", due.toString()) == 1);
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE args->>'login_id' = ?", notDue.toString())).isZero();
    assertThat(txns(ext(due))).hasSize(2);
  }

  @Test
  void the_import_message_never_takes_over_another_logins_account_and_fails_for_a_deleted_login() {
    var u = fx.user("user");
    var b = fx.bank("US");
    UUID owner = fx.connected(u, b, "imp1");
    UUID intruder = fx.connected(u, b, "imp2");
    fx.awaitJob(fx.sync(u, owner), 10_000, "completed");
    var bus = app.app.vertx().eventBus();
    JsonObject txn = new JsonObject().put("external_transaction_id", "X1").put("description", "Sneaky").put("amount", "1.00")
        .put("direction", "CREDIT").put("posted_at", "2025-10-10T12:00:00Z");
    JsonObject account = new JsonObject().put("external_account_id", ext(owner)).put("account_name", "Taken")
        .put("account_type", "CHECKING").put("currency", "USD").put("balance", "999.00").put("last_four", "0000")
        .put("status", "ACTIVE").put("transactions", new JsonArray().add(txn));
    JsonObject reply = bus.<JsonObject>request(com.ledger.payments.api.SyncImportApi.ADDRESS, new JsonObject()
        .put("login_id", intruder.toString()).put("user_id", u.id().toString()).put("accounts", new JsonArray().add(account)))
        .await().body();
    assertThat(reply.getInteger("accounts_skipped")).isEqualTo(1);
    assertThat(reply.getInteger("transactions_imported")).isZero();
    assertThat(fx.string("SELECT user_bank_login_id::text FROM payments.user_bank_accounts WHERE external_account_id = ?",
        ext(owner))).isEqualTo(owner.toString());
    assertThat(fx.string("SELECT account_name FROM payments.user_bank_accounts WHERE external_account_id = ?", ext(owner)))
        .isEqualTo(b.bankName() + " Checking");

    JsonObject fresh = account.copy().put("external_account_id", "GONE" + UUID.randomUUID().toString().substring(0, 8));
    var failed = bus.<JsonObject>request(com.ledger.payments.api.SyncImportApi.ADDRESS, new JsonObject()
        .put("login_id", UUID.randomUUID().toString()).put("user_id", u.id().toString())
        .put("accounts", new JsonArray().add(fresh))).transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
    assertThat(failed).isInstanceOf(io.vertx.core.eventbus.ReplyException.class);
    assertThat(((io.vertx.core.eventbus.ReplyException) failed).failureCode())
        .isEqualTo(com.ledger.platform.errors.ErrorCode.ACCOUNT_NOT_FOUND.failureCode);
  }

  @Test
  void bank_tokens_never_appear_in_plaintext_in_the_database_responses_or_logs() {
    var u = fx.user("user");
    var b = fx.bank("US");
    List<String> bodies = new ArrayList<>();
    Api.Resp created = fx.connect(u, b, "secret1");
    bodies.add(created.body());
    UUID login = UUID.fromString(created.data().getString("id"));
    List<String> tokens = new ArrayList<>(storedTokens());
    fx.sandbox.post("/sandbox/admin/expire-tokens", new JsonObject(), null);
    Api.Resp sync = app.api.post("/api/bank-logins/" + login + "/sync", null, u.token());
    bodies.add(sync.body());
    JsonObject job = fx.awaitJob(UUID.fromString(sync.data().getString("job_id")), 10_000, "completed", "dead");
    assertThat(job.getString("state")).isEqualTo("completed");
    bodies.add(job.encode());
    bodies.add(app.api.get("/api/bank-logins", u.token()).body());
    bodies.add(app.api.get("/api/health/detailed", null).body());
    bodies.add(app.api.get("/api/metrics", null).body());
    tokens.addAll(storedTokens());
    assertThat(tokens).anyMatch(t -> t.startsWith("sim_at_")).anyMatch(t -> t.startsWith("sim_rt_"));
    assertThat(fx.count("""
        SELECT count(*) FROM banksync.user_bank_logins
        WHERE access_token NOT LIKE 'v1:%' OR refresh_token NOT LIKE 'v1:%'""")).isZero();
    for (String body : bodies) {
      for (String t : tokens) assertThat(body).doesNotContain(t);
      assertThat(body).doesNotContain("bank-password-1");
    }
    List<String> lines = logLines();
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      for (String t : tokens) assertThat(line).as("log line").doesNotContain(t);
      assertThat(line).doesNotContain("bank-password-1").doesNotContain("sim_at_").doesNotContain("sim_rt_");
    }
  }

  /** Every token currently stored, decrypted. */
  private static List<String> storedTokens() {
    List<String> out = new ArrayList<>();
    try (var c = fx.jdbc(); var ps = c.prepareStatement(
        "SELECT access_token, refresh_token FROM banksync.user_bank_logins WHERE access_token LIKE 'v1:%'");
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        for (int i = 1; i <= 2; i++) {
          String t = cipher.decrypt(rs.getString(i));
          if (t.startsWith("sim_")) out.add(t); // bank-issued tokens (not a test's hand-made "short" one)
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static List<String> logLines() {
    List<ILoggingEvent> events;
    synchronized (LOGS) {
      events = new ArrayList<>(LOGS.list);
    }
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : events) {
      StringBuilder sb = new StringBuilder(String.valueOf(e.getFormattedMessage()));
      if (e.getKeyValuePairs() != null) e.getKeyValuePairs().forEach(kv -> sb.append(' ').append(kv.key).append('=').append(kv.value));
      if (e.getThrowableProxy() != null) sb.append(' ').append(e.getThrowableProxy().getMessage());
      lines.add(sb.toString());
    }
    return lines;
  }

  /** "DIRECTION amount description external_id" of an account's transactions, by external id. */
  private static List<String> txns(String externalAccountId) {
    List<String> out = new ArrayList<>();
    try (var c = fx.jdbc(); var ps = c.prepareStatement("""
        SELECT t.direction, t.amount, t.description, t.external_transaction_id FROM payments.transactions t
        JOIN payments.user_bank_accounts a ON a.id = t.account_id WHERE a.external_account_id = ?
        ORDER BY t.external_transaction_id""")) {
      ps.setString(1, externalAccountId);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1) + " " + rs.getBigDecimal(2).toPlainString() + " " + rs.getString(3) + " " + rs.getString(4));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
