package com.ledger.payments;

import static com.ledger.payments.Fixtures.create;
import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api.Resp;
import com.ledger.support.Poll;
import com.ledger.support.TestUsers.User;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/payments/{id}/process-async} (SPEC.md §15): the checks, access and Idempotency-Key handling of
 * process, answering 202 with the job ticket; the {@code Prefer: respond-async} form of process keeps working.
 */
class ProcessAsyncApiTest extends PaymentsE2E {
  private static Resp processAsync(User u, Object id, Map<String, String> headers) {
    return api.send("POST", "/api/payments/" + id + "/process-async", null, u.token(), headers);
  }

  @Test
  void answers_202_with_the_ticket_and_the_worker_posts_the_payment() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID p = create(api, u, acc, "30.00", "DEBIT", "async own op");
    Resp r = processAsync(u, p, Map.of());
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    JsonObject t = r.data();
    assertThat(t.fieldNames()).containsExactlyInAnyOrder("job_id", "status", "message", "check_status_url", "payment_id");
    assertThat(t.getString("payment_id")).isEqualTo(p.toString());
    assertThat(t.getString("message")).isEqualTo("Operation scheduled successfully");
    assertThat(t.getString("check_status_url")).isEqualTo("/api/jobs/" + t.getString("job_id"));
    assertThat(r.json().getJsonObject("metadata").getString("action")).isEqualTo("process_scheduled");
    Poll.until("payment posted", Duration.ofSeconds(15), () -> "COMPLETED".equals(fx.status(p)));
    assertThat(fx.balance(acc)).isEqualTo("70.00");
    // already processed: the same 409 as process
    User admin = fx.user("admin");
    assertProblem(processAsync(admin, p, Map.of()), 409, "already_processed");
  }

  @Test
  void the_checks_and_access_of_process() {
    User owner = fx.user();
    User other = fx.user();
    UUID acc = fx.account(owner, "CHECKING", "100.00");
    UUID p = create(api, owner, acc, "5.00", "DEBIT", "async access");
    assertProblem(processAsync(owner, "not-a-uuid", Map.of()), 400, "invalid_uuid_format", "id");
    assertProblem(processAsync(owner, UUID.randomUUID(), Map.of()), 404, "payment_not_found");
    assertProblem(processAsync(other, p, Map.of()), 403, "insufficient_permissions");
    assertProblem(api.send("POST", "/api/payments/" + p + "/process-async", null, null, Map.of()), 401, "invalid_token");
    assertThat(fx.status(p)).isEqualTo("PENDING");
  }

  @Test
  void idempotency_key_replays_the_ticket_and_is_scoped_to_the_path() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID p = create(api, u, acc, "5.00", "DEBIT", "async idem");
    String key = "async-" + UUID.randomUUID();
    Resp first = processAsync(u, p, Map.of("Idempotency-Key", key));
    assertThat(first.status()).as(first.body()).isEqualTo(202);
    Resp again = processAsync(u, p, Map.of("Idempotency-Key", key));
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.header("idempotent-replayed")).isEqualTo("true");
    assertThat(again.data().getString("job_id")).isEqualTo(first.data().getString("job_id"));
    Resp sameKeyOtherPath = api.send("POST", "/api/payments/" + p + "/process", null, u.token(),
        Map.of("Idempotency-Key", key));
    assertProblem(sameKeyOtherPath, 422, "idempotency_key_reused");
    assertProblem(processAsync(u, p, Map.of("Idempotency-Key", "")), 400, "invalid_idempotency_key");
  }

  @Test
  void the_prefer_form_of_process_still_answers_202() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID p = create(api, u, acc, "5.00", "DEBIT", "prefer form");
    Resp r = Fixtures.processAsync(api, u, p);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    assertThat(r.data().getString("payment_id")).isEqualTo(p.toString());
  }

  /**
   * Key-less accepts that arrive together share statements (GroupCommit); each is still answered as alone: every
   * PENDING payment of the caller gets one 202 and one job, a payment an admin asks for twice at once one 202 and one 409,
   * another user's payment 403, an unknown id 404 — and the workers post each accepted payment once.
   */
  @Test
  void concurrent_accepts_are_each_answered_as_alone() throws Exception {
    User u = fx.user();
    User other = fx.user();
    UUID acc = fx.account(u, "CHECKING", "1000.00");
    List<UUID> own = new ArrayList<>();
    for (int i = 0; i < 40; i++) own.add(fx.payment(u, acc, "1.00", "DEBIT", "together " + i, "PENDING"));
    UUID twice = fx.payment(u, acc, "2.00", "DEBIT", "asked twice", "PENDING");
    UUID foreign = fx.payment(other, fx.account(other, "CHECKING", "10.00"), "1.00", "DEBIT", "foreign", "PENDING");
    List<Callable<Resp>> calls = new ArrayList<>();
    for (UUID p : own) calls.add(() -> asyncAs(u, p));
    // by an admin: the owner may process only a PENDING payment, so an owner who comes second gets 403 or 409
    // depending on whether the first had committed when the second read the payment (as before batching)
    User admin = fx.user("admin");
    calls.add(() -> asyncAs(admin, twice));
    calls.add(() -> asyncAs(admin, twice));
    calls.add(() -> asyncAs(u, foreign));
    calls.add(() -> asyncAs(u, UUID.randomUUID()));
    List<Resp> rs = PaymentConcurrencyTest.allAtOnce(calls);

    for (int i = 0; i < own.size(); i++) {
      assertThat(rs.get(i).status()).as(rs.get(i).body()).isEqualTo(202);
      assertThat(rs.get(i).data().getString("payment_id")).isEqualTo(own.get(i).toString());
    }
    assertThat(List.of(rs.get(40).status(), rs.get(41).status())).containsExactlyInAnyOrder(202, 409);
    assertProblem(rs.get(40).status() == 409 ? rs.get(40) : rs.get(41), 409, "already_processed");
    assertProblem(rs.get(42), 403, "insufficient_permissions");
    assertProblem(rs.get(43), 404, "payment_not_found");
    assertThat(fx.status(foreign)).isEqualTo("PENDING");
    Poll.until("every accepted payment posted", Duration.ofSeconds(30), () -> fx.count(
        "SELECT count(*) FROM payments.user_payments WHERE user_bank_account_id = ? AND status = 'COMPLETED'", acc) == 41);
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE account_id = ?", acc)).isEqualTo(41);
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE user_id = ? AND state = 'completed'", u.id())).isEqualTo(41);
    assertThat(fx.balance(acc)).isEqualTo("958.00");
  }

  /**
   * A worker batch over several accounts is posted by statements side by side, each on accounts of its own
   * (PaymentWorker): every payment is posted once, every job completed on its first attempt, balances exact.
   */
  @Test
  void a_batch_over_many_accounts_posts_every_payment_once() throws Exception {
    User u = fx.user();
    List<UUID> accounts = new ArrayList<>();
    for (int a = 0; a < 7; a++) accounts.add(fx.account(u, "CHECKING", "100.00"));
    List<UUID> payments = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      payments.add(fx.payment(u, accounts.get(i % 7), "1.00", i % 2 == 0 ? "DEBIT" : "CREDIT", "spread " + i, "PENDING"));
    }
    List<Callable<Resp>> calls = new ArrayList<>();
    for (UUID p : payments) calls.add(() -> asyncAs(u, p));
    for (Resp r : PaymentConcurrencyTest.allAtOnce(calls)) assertThat(r.status()).as(r.body()).isEqualTo(202);
    Poll.until("all 70 posted", Duration.ofSeconds(30), () -> fx.count(
        "SELECT count(*) FROM payments.user_payments WHERE user_id = ? AND status = 'COMPLETED'", u.id()) == 70);
    for (UUID p : payments) {
      assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE payment_id = ?", p)).isEqualTo(1);
    }
    assertThat(fx.count("SELECT count(*) FROM jobs.jobs WHERE user_id = ? AND state = 'completed' AND attempt = 1",
        u.id())).isEqualTo(70);
    for (UUID a : accounts) assertThat(fx.balance(a)).isEqualTo("100.00");  // 5 debits and 5 credits of 1.00 each
  }

  private static Resp asyncAs(User u, UUID p) {
    return Http1.post(api.base, "/api/payments/" + p + "/process", null, u.token(), Map.of("Prefer", "respond-async"));
  }
}
