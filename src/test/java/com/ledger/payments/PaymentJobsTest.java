package com.ledger.payments;

import static com.ledger.payments.Fixtures.create;
import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.Api.Resp;
import com.ledger.support.Poll;
import com.ledger.support.TestUsers.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The PaymentWorker's failure paths (SPEC.md §7.3, §6.6) and the job routes (§2.6) end to end. */
class PaymentJobsTest extends PaymentsE2E {
  static String jobOf(User u, UUID payment) {
    Resp r = Fixtures.processAsync(api, u, payment);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r.data().getString("job_id");
  }

  static JsonObject job(String id, User u) {
    Resp r = api.get("/api/jobs/" + id, u.token());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.data();
  }

  @Test
  void a_business_rule_failure_is_dead_at_once_and_the_payment_failed_with_that_reason() throws Exception {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "10.00");
    UUID p = create(api, u, acc, "10.01", "DEBIT", "Overdraw");
    String id = jobOf(u, p);
    Poll.until("dead", Duration.ofSeconds(10), () -> "dead".equals(job(id, u).getString("state")));
    JsonObject j = job(id, u);
    assertThat(j.getInteger("attempt")).isEqualTo(1);
    assertThat(j.getString("dead_at")).isNotNull();
    JsonArray errors = j.getJsonArray("errors");
    assertThat(errors).hasSize(1);
    assertThat(errors.getJsonObject(0).fieldNames()).containsExactlyInAnyOrder("attempt", "at", "reason", "category", "message");
    assertThat(errors.getJsonObject(0).getString("reason")).isEqualTo("insufficient_funds");
    assertThat(errors.getJsonObject(0).getString("category")).isEqualTo("business_rule");
    Resp pay = api.get("/api/payments/" + p, u.token());
    assertThat(pay.data().getString("status")).isEqualTo("FAILED");
    assertThat(pay.data().getString("failure_reason")).isEqualTo("insufficient_funds");
    assertThat(fx.balance(acc)).isEqualTo("10.00");
    // dead is final: no runner retries it (watched for 1.5 s, the test fails the moment it changes)
    Poll.holdsFor("job " + id + " dead after attempt 1", Duration.ofMillis(1500), () -> {
      JsonObject now = job(id, u);
      return now.getInteger("attempt") == 1 && "dead".equals(now.getString("state"));
    });
    assertThat(job(id, u).getInteger("attempt")).isEqualTo(1);
    assertThat(job(id, u).getString("state")).isEqualTo("dead");
    // FAILED is terminal for the owner
    assertProblem(Fixtures.processAsync(api, u, p), 403, "insufficient_permissions");
    assertProblem(api.delete("/api/payments/" + p, u.token()), 403, "insufficient_permissions");
  }

  @Test
  void the_node_posts_its_jobs_in_the_statement_that_picks_them_and_claims_with_a_lease_only_a_failing_one() {
    User u = fx.user();
    // One account per job. A run defers a job whose account another transaction holds, and when it could run none of
    // what it picked the runner claims its next batch with a lease (JobRunnerVerticle#startRun). With two runs in
    // flight (payments:2) and jobs sharing accounts, that happened here now and then (1 run in 4, 2026-12-02), and the
    // lease of a posted job was a timing accident, not a broken path. With no account shared, no run can defer.
    List<UUID> accounts = new ArrayList<>();
    for (int i = 0; i < 11; i++) accounts.add(fx.account(u, i % 2 == 0 ? "CHECKING" : "SAVINGS", "100.00"));
    // every move of a job into executing (a claim with a lease) is written down while this test runs
    fx.exec("CREATE TABLE IF NOT EXISTS public.test_job_leases (job_id uuid NOT NULL)");
    fx.exec("""
        CREATE OR REPLACE FUNCTION public.test_record_lease() RETURNS trigger AS $$
        BEGIN
          INSERT INTO public.test_job_leases VALUES (NEW.id);
          RETURN NEW;
        END $$ LANGUAGE plpgsql""");
    fx.exec("CREATE TRIGGER test_record_lease AFTER UPDATE ON jobs.jobs FOR EACH ROW "
        + "WHEN (NEW.state = 'executing' AND OLD.state IS DISTINCT FROM 'executing') "
        + "EXECUTE FUNCTION public.test_record_lease()");
    try {
      List<String> posted = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        posted.add(jobOf(u, create(api, u, accounts.get(i), "1.00", "CREDIT", "in-run " + i)));
      }
      String overdraw = jobOf(u, create(api, u, accounts.get(10), "500.00", "DEBIT", "in-run overdraw"));
      for (String id : posted) {
        Poll.until("job " + id + " completed", Duration.ofSeconds(10),
            () -> "completed".equals(job(id, u).getString("state")));
        assertThat(job(id, u).getInteger("attempt")).isEqualTo(1);
      }
      Poll.until("overdraw dead", Duration.ofSeconds(10), () -> "dead".equals(job(overdraw, u).getString("state")));
      for (int i = 0; i < 10; i++) assertThat(fx.balance(accounts.get(i))).isEqualTo("101.00");
      assertThat(fx.balance(accounts.get(10))).isEqualTo("100.00");
      // the posted jobs went from waiting to completed without a lease; the failing one was leased once, in its run
      for (String id : posted) {
        assertThat(fx.count("SELECT count(*) FROM public.test_job_leases WHERE job_id = ?::uuid", id)).as(id).isZero();
      }
      assertThat(fx.count("SELECT count(*) FROM public.test_job_leases WHERE job_id = ?::uuid", overdraw)).isEqualTo(1);
    } finally {
      fx.exec("DROP TRIGGER IF EXISTS test_record_lease ON jobs.jobs");
      fx.exec("DROP TABLE IF EXISTS public.test_job_leases");
    }
  }

  @Test
  void a_system_failure_is_retried_with_backoff_dead_lettered_then_re_run_by_the_admin() {
    User u = fx.user();
    User admin = fx.user("admin");
    UUID acc = fx.account(u, "CHECKING", "100.00");
    String marker = "sysfail-" + UUID.randomUUID().toString().substring(0, 8);
    fx.exec("""
        CREATE OR REPLACE FUNCTION payments.test_fail_posting() RETURNS trigger AS $$
        BEGIN
          IF NEW.description LIKE 'sysfail-%' THEN RAISE EXCEPTION 'ledger unavailable'; END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""");
    fx.exec("CREATE TRIGGER test_fail_posting BEFORE INSERT ON payments.transactions FOR EACH ROW "
        + "EXECUTE FUNCTION payments.test_fail_posting()");
    UUID p;
    String id;
    try {
      p = create(api, u, acc, "12.00", "DEBIT", marker);
      id = jobOf(u, p);
      Poll.until("first retry scheduled", Duration.ofSeconds(10), () -> job(id, u).getJsonArray("errors").size() >= 1);
      JsonObject afterFirst = job(id, u);
      assertThat(afterFirst.getString("state")).isIn("retryable", "executing", "available");
      assertThat(afterFirst.getJsonArray("errors").getJsonObject(0).getString("reason")).isEqualTo("database_error");
      assertThat(afterFirst.getJsonArray("errors").getJsonObject(0).getString("message")).doesNotContain("ledger unavailable");
      assertThat(fx.status(p)).isEqualTo("PROCESSING");
      Poll.until("dead after the system category's attempts", Duration.ofSeconds(20),
          () -> "dead".equals(job(id, u).getString("state")));
    } finally {
      fx.exec("DROP TRIGGER test_fail_posting ON payments.transactions");
    }
    JsonObject dead = job(id, u);
    assertThat(dead.getInteger("attempt")).isEqualTo(3);
    JsonArray errors = dead.getJsonArray("errors");
    assertThat(errors).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(errors.getJsonObject(i).getInteger("attempt")).isEqualTo(i + 1);
      assertThat(errors.getJsonObject(i).getString("category")).isEqualTo("system");
    }
    // backoff: 500 ms then 1000 ms (plus jitter), due times rounded up to whole seconds
    Instant a1 = Instant.parse(errors.getJsonObject(0).getString("at"));
    Instant a2 = Instant.parse(errors.getJsonObject(1).getString("at"));
    Instant a3 = Instant.parse(errors.getJsonObject(2).getString("at"));
    assertThat(a2).isAfter(a1);
    assertThat(Duration.between(a2, a3)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(fx.status(p)).isEqualTo("FAILED");
    assertThat(fx.queryString("SELECT failure_reason FROM payments.user_payments WHERE id = ?", p)).isEqualTo("database_error");
    assertThat(fx.balance(acc)).isEqualTo("100.00");

    // the dead-letter queue lists it
    Resp dlq = api.get("/api/admin/jobs?state=dead&worker=PaymentWorker&page_size=100", admin.token());
    assertThat(dlq.status()).as(dlq.body()).isEqualTo(200);
    assertThat(dlq.dataArray().stream().map(o -> ((JsonObject) o).getString("id"))).contains(id);

    // admin retry: back to PROCESSING / available, attempt 0, errors kept; then it posts
    Resp retried = api.post("/api/admin/jobs/" + id + "/retry", null, admin.token());
    assertThat(retried.status()).as(retried.body()).isEqualTo(202);
    assertThat(retried.json().getJsonObject("metadata").getString("action")).isEqualTo("retried");
    assertThat(retried.data().getString("state")).isEqualTo("available");
    assertThat(retried.data().getInteger("attempt")).isZero();
    assertThat(retried.data().getValue("dead_at")).isNull();
    assertThat(retried.data().getJsonArray("errors")).hasSize(3);
    assertThat(fx.status(p)).isIn("PROCESSING", "COMPLETED");
    Poll.until("posted after the retry", Duration.ofSeconds(10), () -> "COMPLETED".equals(fx.status(p)));
    Poll.until("job completed", Duration.ofSeconds(5), () -> "completed".equals(job(id, u).getString("state")));
    assertThat(fx.queryString("SELECT failure_reason FROM payments.user_payments WHERE id = ?", p)).isNull();
    assertThat(job(id, u).getInteger("attempt")).isEqualTo(1);
    assertThat(job(id, u).getJsonArray("errors")).hasSize(3);
    assertThat(fx.balance(acc)).isEqualTo("88.00");
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE payment_id = ?", p)).isEqualTo(1);
    // a completed job cannot be retried
    assertProblem(api.post("/api/admin/jobs/" + id + "/retry", null, admin.token()), 409, "job_not_retryable");
  }

  @Test
  void retry_rules() {
    User u = fx.user();
    User admin = fx.user("admin");
    UUID acc = fx.account(u, "CHECKING", "100.00");
    assertProblem(api.post("/api/admin/jobs/" + UUID.randomUUID() + "/retry", null, admin.token()), 404, "job_not_found");
    assertProblem(api.post("/api/admin/jobs/" + UUID.randomUUID() + "/retry", null, u.token()), 403,
        "insufficient_permissions");
    assertProblem(api.post("/api/admin/jobs/nope/retry", null, admin.token()), 400, "invalid_uuid_format");
    // a dead PaymentWorker job whose payment was completed meanwhile
    UUID done = fx.payment(u, acc, "1.00", "DEBIT", "done", "COMPLETED");
    String deadJob = fx.queryString("INSERT INTO jobs.jobs (worker, queue, state, args, attempt, dead_at, user_id) "
        + "VALUES ('PaymentWorker', 'payments', 'dead', jsonb_build_object('payment_id', ?::text), 1, now(), ?) RETURNING id",
        done.toString(), u.id());
    assertProblem(api.post("/api/admin/jobs/" + deadJob + "/retry", null, admin.token()), 409, "job_not_retryable");
    assertThat(fx.queryString("SELECT state FROM jobs.jobs WHERE id = ?::uuid", deadJob)).isEqualTo("dead");
    // its payment no longer exists
    String orphan = fx.queryString("INSERT INTO jobs.jobs (worker, queue, state, args) VALUES ('PaymentWorker', "
        + "'payments', 'dead', jsonb_build_object('payment_id', ?::text)) RETURNING id", UUID.randomUUID().toString());
    assertProblem(api.post("/api/admin/jobs/" + orphan + "/retry", null, admin.token()), 409, "job_not_retryable");
    // a dead job of a worker without a guard
    String other = fx.queryString("INSERT INTO jobs.jobs (worker, queue, state, args, attempt, errors) VALUES "
        + "('NoRunnerWorker', 'default', 'dead', '{}', 2, '[{\"attempt\":1,\"at\":\"2025-10-10T12:00:00Z\","
        + "\"reason\":\"timeout\",\"category\":\"external_dependency\",\"message\":\"Request timeout\"}]') RETURNING id");
    Resp r = api.post("/api/admin/jobs/" + other + "/retry", null, admin.token());
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    assertThat(r.data().getString("state")).isEqualTo("available");
    assertThat(r.data().getJsonArray("errors")).hasSize(1);
    // a pending job is not dead
    String available = fx.queryString("INSERT INTO jobs.jobs (worker, queue, args) VALUES ('NoRunnerWorker', 'default', "
        + "'{}') RETURNING id");
    assertProblem(api.post("/api/admin/jobs/" + available + "/retry", null, admin.token()), 409, "job_not_retryable");
  }

  @Test
  void job_access_and_admin_listing() {
    User owner = fx.user();
    UUID acc = fx.account(owner, "CHECKING", "100.00");
    UUID p = create(api, owner, acc, "1.00", "DEBIT", "listed");
    String id = jobOf(owner, p);
    assertThat(api.get("/api/jobs/" + id, owner.token()).status()).isEqualTo(200);
    assertThat(api.get("/api/jobs/" + id, fx.user("admin").token()).status()).isEqualTo(200);
    assertThat(api.get("/api/jobs/" + id, fx.user("support").token()).status()).isEqualTo(200);
    JsonObject j = api.get("/api/jobs/" + id, owner.token()).data();
    assertThat(j.fieldNames()).containsExactlyInAnyOrder("id", "worker", "queue", "state", "attempt", "max_attempts",
        "priority", "args", "errors", "result", "user_id", "inserted_at", "scheduled_at", "attempted_at",
        "completed_at", "dead_at");
    assertProblem(api.get("/api/jobs/" + id, fx.user().token()), 403, "insufficient_permissions");
    assertProblem(api.get("/api/jobs/" + UUID.randomUUID(), owner.token()), 404, "job_not_found");
    assertProblem(api.get("/api/jobs/xyz", owner.token()), 400, "invalid_uuid_format", "id");

    User admin = fx.user("admin");
    for (int i = 0; i < 3; i++) {
      fx.exec("INSERT INTO jobs.jobs (worker, queue, state, args) VALUES ('ListWorker', 'notifications', 'cancelled', '{}')");
    }
    Resp page1 = api.get("/api/admin/jobs?worker=ListWorker&queue=notifications&state=CANCELLED&page_size=2", admin.token());
    assertThat(page1.status()).as(page1.body()).isEqualTo(200);
    assertThat(page1.dataArray()).hasSize(2);
    assertThat(page1.json().getJsonObject("metadata").getJsonObject("pagination")).isEqualTo(new JsonObject()
        .put("page", 1).put("page_size", 2).put("total_count", 3).put("total_pages", 2));
    assertThat(api.get("/api/admin/jobs?worker=ListWorker&page=2&page_size=2", admin.token()).dataArray()).hasSize(1);
    assertThat(api.get("/api/admin/jobs?worker=ListWorker&state=dead", admin.token()).dataArray()).isEmpty();
    assertThat(api.get("/api/admin/jobs?queue=payments", admin.token()).dataArray()).isNotEmpty();
    JsonArray all = api.get("/api/admin/jobs?page_size=100", admin.token()).dataArray();
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.getJsonObject(i - 1).getString("inserted_at"))
          .isGreaterThanOrEqualTo(all.getJsonObject(i).getString("inserted_at"));
    }
    assertProblem(api.get("/api/admin/jobs?state=finished", admin.token()), 400, "invalid_status", "state");
    assertProblem(api.get("/api/admin/jobs", owner.token()), 403, "insufficient_permissions");
  }

  @Test
  void job_metrics_are_exported() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "1.00");
    UUID ok = create(api, u, acc, "1.00", "DEBIT", "fits");
    UUID bad = create(api, u, acc, "5.00", "DEBIT", "does not fit");
    jobOf(u, ok);
    Poll.until("posted", Duration.ofSeconds(10), () -> "COMPLETED".equals(fx.status(ok)));
    jobOf(u, bad);
    Poll.until("failed", Duration.ofSeconds(10), () -> "FAILED".equals(fx.status(bad)));
    String metrics = api.get("/api/metrics", null).body();
    assertThat(metrics).contains("# TYPE ledger_jobs_total counter")
        .containsPattern("ledger_jobs_total\\{[^}]*outcome=\"completed\"[^}]*worker=\"PaymentWorker\"[^}]*} [1-9]")
        .containsPattern("ledger_jobs_dead_total\\{[^}]*reason=\"insufficient_funds\"[^}]*worker=\"PaymentWorker\"")
        .contains("ledger_jobs_claim_to_done_seconds_count{queue=\"payments\",worker=\"PaymentWorker\"}")
        .contains("ledger_jobs_queue_depth{queue=\"payments\"}");
  }
}
