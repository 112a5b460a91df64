package com.ledger.banksync;

import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.TestApp;
import com.ledger.support.TestUsers;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A reconciliation whose job can no longer record it is not PENDING forever (issue 12): a client polling
 * {@code GET /api/admin/reconciliations/{id}} reads FAILED with a reason once the job is dead-lettered (a bank that
 * rejects the calls), given up by the rescue after a node crashed, cancelled or deleted, or once its bank login was
 * deleted (before or while the job runs). The admin retry of the dead job reopens the run, and it then completes.
 *
 * <p>Two nodes on two databases: {@code app} runs every role; {@code idle} has no banking worker, so a run's job
 * stays waiting and the cancel/delete paths are deterministic.
 */
class ReconciliationFailureTest {
  static TestApp app;
  static BankFixtures fx;
  static TestApp idle;
  static BankFixtures ifx;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("jobs.poll_interval_ms", 200, "jobs.idle_poll_max_ms", 400, "bank.retries", 0));
    fx = new BankFixtures(app);
    idle = TestApp.start(Map.of("roles", List.of("http", "users", "auth", "payments", "banksync", "sandbox-bank")));
    ifx = new BankFixtures(idle);
  }

  @AfterAll
  static void stop() {
    try {
      if (app != null) app.verifyLedgerAndClose();
    } finally {
      if (idle != null) idle.verifyLedgerAndClose();
    }
  }

  @AfterEach
  void resetSandbox() {
    fx.resetSandbox();
  }

  private static String username() {
    return "user" + UUID.randomUUID().toString().substring(0, 6);
  }

  /** POST a run; 202 PENDING; returns {id, job_id}. */
  private static JsonObject schedule(TestApp a, TestUsers.User admin, UUID login) {
    Api.Resp r = a.api.post("/api/admin/reconciliations", new JsonObject().put("bank_login_id", login.toString()),
        admin.token());
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    assertThat(r.data().getString("status")).isEqualTo("PENDING");
    return r.data();
  }

  private static JsonObject get(TestApp a, TestUsers.User admin, String id) {
    Api.Resp got = a.api.get("/api/admin/reconciliations/" + id, admin.token());
    assertThat(got.status()).as(got.body()).isEqualTo(200);
    return got.data();
  }

  /** A user with a connected bank login, and an admin. */
  private record Owned(TestUsers.User user, TestUsers.User admin, UUID login) {}

  private static Owned owned(BankFixtures f) {
    TestUsers.User u = f.user("user");
    return new Owned(u, f.user("admin"), f.connected(u, f.bank("US"), username()));
  }

  private static void assertFailed(JsonObject run, String reason) {
    assertThat(run.getString("status")).as(run.encode()).isEqualTo("FAILED");
    assertThat(run.getString("failure_reason")).as(run.encode()).isEqualTo(reason);
    assertThat(run.getString("completed_at")).as(run.encode()).isNotNull();
    assertThat(run.getValue("matched")).isNull();
  }

  @Test
  void a_run_whose_job_is_dead_lettered_fails_and_the_admin_retry_completes_it() {
    Owned o = owned(fx);
    TestUsers.User admin = o.admin();
    UUID login = o.login();
    // the bank rejects the data calls (and the retry after a token refresh): bank_credentials_invalid, not retried
    fx.faults(new JsonObject().put("fail", new JsonObject().put("path", "/accounts").put("status", 401).put("count", 10)));
    JsonObject run = schedule(app, admin, login);
    UUID job = UUID.fromString(run.getString("job_id"));
    JsonObject dead = fx.awaitJob(job, 15_000, "dead", "completed");
    assertThat(dead.getString("state")).as(dead.encode()).isEqualTo("dead");
    assertFailed(get(app, admin, run.getString("id")), "bank_credentials_invalid");
    // recorded, not only computed: the row itself is FAILED
    assertThat(fx.string("SELECT status || ' ' || failure_reason FROM payments.reconciliations WHERE id = ?::uuid",
        run.getString("id"))).isEqualTo("FAILED bank_credentials_invalid");

    // the bank is fine again: the admin retries the dead job, the run is PENDING again and then completes
    fx.resetSandbox();
    fx.exec("UPDATE banksync.user_bank_logins SET status = 'ACTIVE', status_reason = NULL WHERE id = ?", login);
    Api.Resp retried = app.api.post("/api/admin/jobs/" + job + "/retry", null, admin.token());
    assertThat(retried.status()).as(retried.body()).isEqualTo(202);
    assertThat(fx.string("SELECT status FROM payments.reconciliations WHERE id = ?::uuid", run.getString("id")))
        .isIn("PENDING", "COMPLETED");
    JsonObject done = fx.awaitJob(job, 15_000, "completed", "dead");
    assertThat(done.getString("state")).as(done.encode()).isEqualTo("completed");
    JsonObject completed = get(app, admin, run.getString("id"));
    assertThat(completed.getString("status")).as(completed.encode()).isEqualTo("COMPLETED");
    assertThat(completed.getValue("failure_reason")).isNull();
  }

  @Test
  void a_run_whose_node_crashed_and_whose_rescue_gives_up_fails_with_timeout() {
    Owned o = owned(fx);
    TestUsers.User admin = o.admin();
    UUID login = o.login();
    // keep the attempt inside the bank call, then make it look like a crashed node's last attempt: another runner
    // holds it, its lease ran out, no attempt left
    fx.faults(new JsonObject().put("slow", new JsonObject().put("path", "/accounts").put("latency_ms", 6000).put("count", 1)));
    JsonObject run = schedule(app, admin, login);
    UUID job = UUID.fromString(run.getString("job_id"));
    fx.awaitJob(job, 10_000, "executing");
    assertThat(get(app, admin, run.getString("id")).getString("status")).isEqualTo("PENDING");
    fx.exec("""
        UPDATE jobs.jobs SET attempt = max_attempts, locked_by = 'crashed-node:banking:00000000',
               lease_until = now() - interval '1 second'
         WHERE id = ? AND state = 'executing'""", job);
    JsonObject dead = fx.awaitJob(job, 10_000, "dead");
    assertThat(dead.getJsonArray("errors").getJsonObject(dead.getJsonArray("errors").size() - 1).getString("reason"))
        .isEqualTo("timeout");
    assertFailed(get(app, admin, run.getString("id")), "timeout");
  }

  @Test
  void a_login_deleted_while_its_run_compares_fails_the_run_and_a_completed_run_stays_completed() {
    Owned o = owned(fx);
    TestUsers.User u = o.user();
    TestUsers.User admin = o.admin();
    UUID kept = o.login();
    JsonObject first = schedule(app, admin, kept);
    fx.awaitJob(UUID.fromString(first.getString("job_id")), 15_000, "completed", "dead");
    assertThat(get(app, admin, first.getString("id")).getString("status")).isEqualTo("COMPLETED");

    UUID login = fx.connected(u, fx.bank("US"), username());
    fx.faults(new JsonObject().put("slow", new JsonObject().put("path", "/accounts").put("latency_ms", 2000).put("count", 1)));
    JsonObject run = schedule(app, admin, login);
    UUID job = UUID.fromString(run.getString("job_id"));
    fx.awaitJob(job, 10_000, "executing");
    assertThat(app.api.delete("/api/bank-logins/" + login, u.token()).status()).isEqualTo(200);
    // the attempt fetched the bank's view, then found nothing to compare with: the job completes, the run FAILED
    JsonObject done = fx.awaitJob(job, 15_000, "completed", "dead");
    assertThat(done.getString("state")).as(done.encode()).isEqualTo("completed");
    assertThat(done.getJsonObject("result").getString("status")).isEqualTo("FAILED");
    assertFailed(get(app, admin, run.getString("id")), "bank_login_deleted");
    // a dead run of a deleted login cannot be reopened by a retry
    fx.exec("UPDATE jobs.jobs SET state = 'dead' WHERE id = ?", job);
    assertProblem(app.api.post("/api/admin/jobs/" + job + "/retry", null, admin.token()), 409, "job_not_retryable");

    // the first login deleted after its run completed: the run is history, still COMPLETED
    assertThat(app.api.delete("/api/bank-logins/" + kept, u.token()).status()).isEqualTo(200);
    JsonObject history = get(app, admin, first.getString("id"));
    assertThat(history.getString("status")).isEqualTo("COMPLETED");
    assertThat(history.getValue("failure_reason")).isNull();
  }

  @Test
  void a_login_deleted_before_its_run_started_cancels_the_job_and_fails_the_run() {
    Owned o = owned(ifx);
    TestUsers.User u = o.user();
    TestUsers.User admin = o.admin();
    UUID login = o.login();
    JsonObject run = schedule(idle, admin, login);
    UUID job = UUID.fromString(run.getString("job_id"));
    assertThat(get(idle, admin, run.getString("id")).getString("status")).isEqualTo("PENDING");
    assertThat(idle.api.delete("/api/bank-logins/" + login, u.token()).status()).isEqualTo(200);
    assertThat(ifx.job(job).getString("state")).isEqualTo("cancelled");
    assertFailed(get(idle, admin, run.getString("id")), "bank_login_deleted");
  }

  @Test
  void a_run_whose_job_is_cancelled_or_deleted_fails() {
    Owned o = owned(ifx);
    TestUsers.User admin = o.admin();
    UUID login = o.login();
    JsonObject cancelled = schedule(idle, admin, login);
    JsonObject deleted = schedule(idle, admin, login);
    assertThat(get(idle, admin, cancelled.getString("id")).getString("status")).isEqualTo("PENDING");
    // what an operator's cancel or delete of the waiting job does to the job store
    ifx.exec("UPDATE jobs.jobs SET state = 'cancelled', cancelled_at = now() WHERE id = ?::uuid",
        cancelled.getString("job_id"));
    ifx.exec("DELETE FROM jobs.jobs WHERE id = ?::uuid", deleted.getString("job_id"));
    assertFailed(get(idle, admin, cancelled.getString("id")), "job_cancelled");
    assertFailed(get(idle, admin, deleted.getString("id")), "job_deleted");
  }
}
