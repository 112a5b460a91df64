package com.ledger.payments;

import static com.ledger.payments.Fixtures.create;
import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api.Resp;
import com.ledger.support.Poll;
import com.ledger.support.TestUsers.User;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
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
}
