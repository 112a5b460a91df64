package com.ledger.payments;

import static com.ledger.payments.Fixtures.body;
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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** End to end over HTTP: the payment routes and every error reason of SPEC.md §2.5, §6. */
class PaymentsApiTest extends PaymentsE2E {
  // ------------------------------------------------------------------ create

  @Test
  void create_stores_a_pending_payment_with_normalized_fields() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "1000.00");
    JsonObject b = new JsonObject().put("amount", 12.5).put("direction", " debit ").put("payment_type", "transfer")
        .put("description", "  Rent  ").put("user_bank_account_id", acc.toString()).put("unknown", "ignored");
    Resp r = api.post("/api/payments", b, u.token());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonObject p = r.data();
    assertThat(p.fieldNames()).containsExactlyInAnyOrder("id", "amount", "direction", "description", "payment_type",
        "status", "posted_at", "external_transaction_id", "user_bank_account_id", "user_id", "inserted_at",
        "updated_at", "failure_reason");
    assertThat(p.getString("amount")).isEqualTo("12.50");
    assertThat(p.getString("direction")).isEqualTo("DEBIT");
    assertThat(p.getString("payment_type")).isEqualTo("TRANSFER");
    assertThat(p.getString("description")).isEqualTo("Rent");
    assertThat(p.getString("status")).isEqualTo("PENDING");
    assertThat(p.getString("user_id")).isEqualTo(u.id().toString());
    assertThat(p.getString("posted_at")).isNull();
    assertThat(p.getString("failure_reason")).isNull();
    assertThat(p.getString("inserted_at")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(r.json().getJsonObject("metadata")).isEqualTo(new JsonObject().put("action", "created"));
    assertThat(r.json().getBoolean("success")).isTrue();
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE id = ?::uuid", p.getString("id"))).isEqualTo(1);
  }

  @Test
  void create_does_not_check_funds_or_daily_limits() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "1000.00");
    Resp r = api.post("/api/payments", body(acc, "1500.00", "DEBIT", "Big one"), u.token());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  @Test
  void create_field_errors_in_order() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    assertProblem(api.post("/api/payments", new JsonObject(), u.token()), 400, "missing_fields", "amount");
    assertProblem(api.post("/api/payments", body(acc, "1.234", "DEBIT", "x"), u.token()), 400, "invalid_amount_format", "amount");
    assertProblem(api.post("/api/payments", body(acc, "1.00", "DEBIT", "x").put("amount", true), u.token()), 400,
        "invalid_amount_format", "amount");
    assertProblem(api.post("/api/payments", body(acc, "-1.00", "DEBIT", "x"), u.token()), 422, "negative_amount", "amount");
    assertProblem(api.post("/api/payments", body(acc, "0", "SIDEWAYS", "x"), u.token()), 422, "negative_amount", "amount");
    assertProblem(api.post("/api/payments", body(acc, "1.00", "SIDEWAYS", "x"), u.token()), 400, "invalid_direction", "direction");
    assertProblem(api.post("/api/payments", body(acc, "1.00", null, "x"), u.token()), 400, "missing_fields", "direction");
    assertProblem(api.post("/api/payments", body(acc, "1.00", "DEBIT", "x").put("payment_type", "GIFT"), u.token()),
        400, "invalid_payment_type", "payment_type");
    assertProblem(api.post("/api/payments", body(acc, "1.00", "DEBIT", "x").putNull("payment_type"), u.token()),
        400, "missing_fields", "payment_type");
    assertProblem(api.post("/api/payments", body(acc, "1.00", "DEBIT", " "), u.token()), 400, "missing_fields", "description");
    assertProblem(api.post("/api/payments", body(acc, "1.00", "DEBIT", "d".repeat(256)), u.token()), 400,
        "invalid_description_format", "description");
    assertProblem(api.post("/api/payments", body(acc, "1.00", "DEBIT", "a\u0000b"), u.token()), 400,
        "invalid_description_format", "description");
    assertProblem(api.post("/api/payments", body(acc, "1.00", "DEBIT", "x").put("user_bank_account_id", "nope"),
        u.token()), 400, "invalid_uuid_format", "user_bank_account_id");
    assertProblem(api.post("/api/payments", body(acc, "1.00", "DEBIT", "x").remove("user_bank_account_id") == null
        ? null : body(acc, "1.00", "DEBIT", "x").putNull("user_bank_account_id"), u.token()), 400, "missing_fields",
        "user_bank_account_id");
    assertProblem(api.post("/api/payments", "{\"amount\": ", u.token()), 400, "invalid_json_body");
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_id = ?", u.id())).isZero();
  }

  @Test
  void create_account_checks() {
    User u = fx.user();
    User other = fx.user();
    UUID foreign = fx.account(other, "CHECKING", "100.00");
    UUID inactive = fx.account(u, "CHECKING", "100.00", "INACTIVE");
    UUID acc = fx.account(u, "CHECKING", "100.00");
    assertProblem(api.post("/api/payments", body(UUID.randomUUID(), "1.00", "DEBIT", "x"), u.token()), 404,
        "account_not_found");
    assertProblem(api.post("/api/payments", body(foreign, "1.00", "DEBIT", "x"), u.token()), 403, "unauthorized_access");
    assertProblem(api.post("/api/payments", body(inactive, "1.00", "DEBIT", "x"), u.token()), 422, "account_inactive");
    assertProblem(api.post("/api/payments", body(acc, "10000.01", "CREDIT", "x"), u.token()), 422, "amount_exceeds_limit");
    assertThat(api.post("/api/payments", body(acc, "10000.00", "CREDIT", "x"), u.token()).status()).isEqualTo(201);
    assertProblem(api.post("/api/payments", body(acc, "1.00", "DEBIT", "x"), null), 401, "invalid_token");
  }

  // ------------------------------------------------------------------ validate

  @Test
  void validate_is_a_dry_run() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    Resp ok = api.post("/api/payments/validate", body(acc, "50.00", "DEBIT", "Groceries"), u.token());
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    JsonObject d = ok.data();
    assertThat(d.getBoolean("valid")).isTrue();
    assertThat(d.getString("message")).isEqualTo("Payment validation successful");
    assertThat(d.getJsonObject("payment").getString("status")).isEqualTo("PENDING");
    assertThat(d.getJsonObject("payment").getString("inserted_at")).isNull();
    assertThat(d.getJsonObject("payment").getString("user_id")).isEqualTo(u.id().toString());
    assertThat(d.getJsonObject("account").getString("id")).isEqualTo(acc.toString());
    assertThat(d.getJsonObject("account").getString("balance")).isEqualTo("100.00");
    assertThat(ok.json().getJsonObject("metadata").getString("action")).isEqualTo("validated");

    Resp bad = api.post("/api/payments/validate", body(acc, "150.00", "DEBIT", "Groceries"), u.token());
    assertThat(bad.status()).isEqualTo(200);
    assertThat(bad.data().getBoolean("valid")).isFalse();
    assertThat(bad.data().getString("message")).isEqualTo("Payment validation failed");
    assertThat(bad.data().getJsonObject("error").getString("reason")).isEqualTo("insufficient_funds");
    assertThat(bad.data().getJsonObject("error").getInteger("code")).isEqualTo(422);
    assertThat(bad.data().getJsonObject("error").getString("message")).isNotBlank();

    UUID savings = fx.account(u, "SAVINGS", "5000.00");
    assertThat(api.post("/api/payments/validate", body(savings, "501.00", "DEBIT", "x"), u.token()).data()
        .getJsonObject("error").getString("reason")).isEqualTo("daily_limit_exceeded");
    UUID inactive = fx.account(u, "CHECKING", "100.00", "CLOSED");
    assertThat(api.post("/api/payments/validate", body(inactive, "1.00", "DEBIT", "x"), u.token()).data()
        .getJsonObject("error").getString("reason")).isEqualTo("account_inactive");
    assertThat(api.post("/api/payments/validate", body(acc, "10000.01", "CREDIT", "x"), u.token()).data()
        .getJsonObject("error").getString("reason")).isEqualTo("amount_exceeds_limit");
    assertThat(fx.count("SELECT count(*) FROM payments.user_payments WHERE user_id = ?", u.id())).isZero();
  }

  @Test
  void validate_errors_like_create() {
    User u = fx.user();
    UUID foreign = fx.account(fx.user(), "CHECKING", "100.00");
    UUID acc = fx.account(u, "CHECKING", "100.00");
    assertProblem(api.post("/api/payments/validate", body(foreign, "1.00", "DEBIT", "x"), u.token()), 403,
        "unauthorized_access");
    assertProblem(api.post("/api/payments/validate", body(UUID.randomUUID(), "1.00", "DEBIT", "x"), u.token()), 404,
        "account_not_found");
    assertProblem(api.post("/api/payments/validate", body(acc, "0.00", "DEBIT", "x"), u.token()), 422, "negative_amount");
    assertProblem(api.post("/api/payments/validate", body(acc, "1.00", "UP", "x"), u.token()), 400, "invalid_direction");
  }

  @Test
  void validate_reports_a_duplicate_of_a_completed_payment() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    fx.payment(u, acc, "10.00", "DEBIT", "Coffee", "COMPLETED");
    Resp r = api.post("/api/payments/validate", body(acc, "10.00", "DEBIT", "Coffee"), u.token());
    assertThat(r.data().getJsonObject("error").getString("reason")).isEqualTo("duplicate_transaction");
    assertThat(r.data().getJsonObject("error").getInteger("code")).isEqualTo(409);
  }

  // ------------------------------------------------------------------ get / list / status / stats

  @Test
  void get_access_rules() {
    User owner = fx.user();
    UUID acc = fx.account(owner, "CHECKING", "100.00");
    UUID p = create(api, owner, acc, "5.00", "DEBIT", "Lunch");
    assertThat(api.get("/api/payments/" + p, owner.token()).data().getString("id")).isEqualTo(p.toString());
    assertThat(api.get("/api/payments/" + p, owner.token()).json().getJsonObject("metadata").getString("action"))
        .isEqualTo("retrieved");
    assertThat(api.get("/api/payments/" + p, fx.user("admin").token()).status()).isEqualTo(200);
    assertThat(api.get("/api/payments/" + p, fx.user("support").token()).status()).isEqualTo(200);
    assertProblem(api.get("/api/payments/" + p, fx.user().token()), 403, "insufficient_permissions");
    assertProblem(api.get("/api/payments/" + UUID.randomUUID(), owner.token()), 404, "payment_not_found");
    assertProblem(api.get("/api/payments/not-a-uuid", owner.token()), 400, "invalid_uuid_format", "id");
  }

  @Test
  void list_shows_only_my_payments_with_filters_and_pagination() {
    User u = fx.user();
    User admin = fx.user("admin");
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID adminAcc = fx.account(admin, "CHECKING", "100.00");
    for (int i = 0; i < 5; i++) create(api, u, acc, (i + 1) + ".00", i % 2 == 0 ? "DEBIT" : "CREDIT", "p" + i);
    fx.payment(u, acc, "9.00", "DEBIT", "done", "COMPLETED");
    create(api, admin, adminAcc, "1.00", "DEBIT", "admin's");
    Resp all = api.get("/api/payments", u.token());
    assertThat(all.dataArray()).hasSize(6);
    JsonObject meta = all.json().getJsonObject("metadata");
    assertThat(meta.getString("action")).isEqualTo("listed");
    assertThat(meta.getJsonObject("pagination")).isEqualTo(new JsonObject().put("page", 1).put("page_size", 20)
        .put("total_count", 6).put("total_pages", 1).put("has_next", false).put("has_prev", false));
    // admins see only their own
    assertThat(api.get("/api/payments", admin.token()).dataArray()).hasSize(1);
    // order inserted_at desc, id desc
    JsonArray rows = all.dataArray();
    for (int i = 1; i < rows.size(); i++) {
      JsonObject a = rows.getJsonObject(i - 1);
      JsonObject b = rows.getJsonObject(i);
      int cmp = a.getString("inserted_at").compareTo(b.getString("inserted_at"));
      assertThat(cmp > 0 || cmp == 0 && a.getString("id").compareTo(b.getString("id")) > 0).isTrue();
    }
    assertThat(api.get("/api/payments?direction=credit", u.token()).dataArray()).hasSize(2);
    assertThat(api.get("/api/payments?status=completed", u.token()).dataArray()).hasSize(1);
    assertThat(api.get("/api/payments?payment_type=PAYMENT&status=PENDING&direction=DEBIT", u.token()).dataArray()).hasSize(3);
    Resp ranged = api.get("/api/payments?date_from=2000-01-01T00:00:00Z&date_to=2999-01-01T00:00:00%2B02:00", u.token());
    assertThat(ranged.status()).as(ranged.body()).isEqualTo(200);
    assertThat(ranged.dataArray()).hasSize(6);
    assertThat(api.get("/api/payments?date_from=2999-01-01T00:00:00Z", u.token()).dataArray()).isEmpty();
    assertThat(api.get("/api/payments?date_to=2000-01-01T00:00:00Z", u.token()).dataArray()).isEmpty();
    Resp page2 = api.get("/api/payments?page=2&page_size=4", u.token());
    assertThat(page2.dataArray()).hasSize(2);
    assertThat(page2.json().getJsonObject("metadata").getJsonObject("pagination")).isEqualTo(new JsonObject()
        .put("page", 2).put("page_size", 4).put("total_count", 6).put("total_pages", 2).put("has_next", false)
        .put("has_prev", true));
    assertThat(api.get("/api/payments?page=0&page_size=abc", u.token()).json().getJsonObject("metadata")
        .getJsonObject("pagination").getInteger("page_size")).isEqualTo(20);
    JsonObject odd = api.get("/api/payments?page=-3&page_size=2.5", u.token()).json().getJsonObject("metadata")
        .getJsonObject("pagination");
    assertThat(odd.getInteger("page")).isEqualTo(1);
    assertThat(odd.getInteger("page_size")).isEqualTo(20);
    assertThat(api.get("/api/payments?page_size=1000", u.token()).json().getJsonObject("metadata")
        .getJsonObject("pagination").getInteger("page_size")).isEqualTo(100);
    assertProblem(api.get("/api/payments?direction=UP", u.token()), 400, "invalid_direction", "direction");
    assertProblem(api.get("/api/payments?status=DONE", u.token()), 400, "invalid_status", "status");
    assertProblem(api.get("/api/payments?payment_type=GIFT", u.token()), 400, "invalid_payment_type", "payment_type");
    assertProblem(api.get("/api/payments?date_from=2024-01-01", u.token()), 400, "invalid_datetime_format", "date_from");
    assertProblem(api.get("/api/payments?date_to=soon", u.token()), 400, "invalid_datetime_format", "date_to");
  }

  @Test
  void status_reports_policy_duplicate_and_job() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID p = create(api, u, acc, "10.00", "DEBIT", "Coffee");
    Resp s = api.get("/api/payments/" + p + "/status", u.token());
    assertThat(s.status()).as(s.body()).isEqualTo(200);
    assertThat(s.data().fieldNames()).containsExactlyInAnyOrder("payment", "can_process", "is_duplicate", "job");
    assertThat(s.data().getBoolean("can_process")).isTrue();
    assertThat(s.data().getBoolean("is_duplicate")).isFalse();
    assertThat(s.data().getValue("job")).isNull();
    assertThat(s.json().getJsonObject("metadata").getString("action")).isEqualTo("status_retrieved");
    fx.payment(u, acc, "10.00", "DEBIT", "Coffee", "COMPLETED");
    assertThat(api.get("/api/payments/" + p + "/status", u.token()).data().getBoolean("is_duplicate")).isTrue();
    assertThat(api.get("/api/payments/" + p + "/status", fx.user("support").token()).data().getBoolean("can_process"))
        .isFalse();
    assertProblem(api.get("/api/payments/" + p + "/status", fx.user().token()), 403, "insufficient_permissions");
    assertProblem(api.get("/api/payments/" + UUID.randomUUID() + "/status", u.token()), 404, "payment_not_found");
    // async: the job appears
    UUID q = create(api, u, acc, "1.00", "DEBIT", "Tea");
    Resp accepted = Fixtures.processAsync(api, u, q);
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    JsonObject job = api.get("/api/payments/" + q + "/status", u.token()).data().getJsonObject("job");
    assertThat(job.getString("id")).isEqualTo(accepted.data().getString("job_id"));
    assertThat(job.getString("state")).isIn("available", "executing", "completed");
  }

  @Test
  void stats_is_admin_only_and_about_the_caller() {
    User admin = fx.user("admin");
    fx.account(admin, "CHECKING", "100.50");
    fx.account(admin, "SAVINGS", "20.00", "INACTIVE");
    UUID acc = fx.account(admin, "CREDIT", "0.00");
    for (int i = 0; i < 12; i++) create(api, admin, acc, "1.00", "CREDIT", "c" + i);
    Resp r = api.get("/api/payments/stats", admin.token());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonObject h = r.data().getJsonObject("financial_health");
    assertThat(h).isEqualTo(new JsonObject().put("user_id", admin.id().toString()).put("total_balance", "120.50")
        .put("total_accounts", 3).put("active_accounts", 2).put("frozen_accounts", 0).put("suspended_accounts", 0)
        .put("is_healthy", true).put("can_make_payments", true));
    assertThat(r.data().getJsonArray("recent_payments")).hasSize(10);
    assertThat(r.json().getJsonObject("metadata").getString("action")).isEqualTo("stats_retrieved");
    assertProblem(api.get("/api/payments/stats", fx.user().token()), 403, "insufficient_permissions");
    assertProblem(api.get("/api/payments/stats", fx.user("support").token()), 403, "insufficient_permissions");
    // a fresh admin: nothing, not healthy
    JsonObject empty = api.get("/api/payments/stats", fx.user("admin").token()).data().getJsonObject("financial_health");
    assertThat(empty.getString("total_balance")).isEqualTo("0.00");
    assertThat(empty.getBoolean("is_healthy")).isFalse();
    assertThat(empty.getBoolean("can_make_payments")).isFalse();
  }

  // ------------------------------------------------------------------ cancel

  @Test
  void cancel_rules() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID p = create(api, u, acc, "5.00", "DEBIT", "Book");
    assertProblem(api.delete("/api/payments/" + p, fx.user().token()), 403, "insufficient_permissions");
    Resp r = api.delete("/api/payments/" + p, u.token());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.data().getString("status")).isEqualTo("CANCELLED");
    assertThat(r.json().getJsonObject("metadata").getString("action")).isEqualTo("cancelled");
    assertThat(fx.balance(acc)).isEqualTo("100.00");
    assertProblem(api.delete("/api/payments/" + p, u.token()), 403, "insufficient_permissions");
    assertProblem(api.delete("/api/payments/" + p, fx.user("admin").token()), 403, "insufficient_permissions");
    // a cancelled payment cannot be processed either
    assertProblem(api.post("/api/payments/" + p + "/process", null, fx.user("admin").token()), 409, "already_processed");
    UUID done = fx.payment(u, acc, "1.00", "DEBIT", "done", "COMPLETED");
    assertProblem(api.delete("/api/payments/" + done, u.token()), 403, "insufficient_permissions");
    UUID q = create(api, u, acc, "2.00", "DEBIT", "Pen");
    assertThat(api.delete("/api/payments/" + q, fx.user("support").token()).status()).isEqualTo(200);
    assertProblem(api.delete("/api/payments/" + UUID.randomUUID(), u.token()), 404, "payment_not_found");
    assertProblem(api.delete("/api/payments/123", u.token()), 400, "invalid_uuid_format");
  }

  // ------------------------------------------------------------------ process (sync)

  @Test
  void sync_process_posts_debit_and_credit() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID debit = create(api, u, acc, "30.25", "DEBIT", "Shoes");
    Resp r = api.post("/api/payments/" + debit + "/process", null, u.token());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.data().getString("status")).isEqualTo("COMPLETED");
    assertThat(r.data().getString("posted_at")).isNotNull();
    assertThat(r.json().getJsonObject("metadata").getString("action")).isEqualTo("processed");
    assertThat(fx.balance(acc)).isEqualTo("69.75");
    UUID credit = create(api, u, acc, "0.25", "CREDIT", "Refund");
    assertThat(api.post("/api/payments/" + credit + "/process", null, u.token()).status()).isEqualTo(200);
    assertThat(fx.balance(acc)).isEqualTo("70.00");
    assertThat(fx.queryStrings("SELECT amount::text || ' ' || direction || ' ' || description FROM payments.transactions "
        + "WHERE account_id = ? ORDER BY amount", acc)).containsExactly("0.25 CREDIT Refund", "30.25 DEBIT Shoes");
    assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE payment_id = ?", debit)).isEqualTo(1);
  }

  @Test
  void sync_process_rule_failures_leave_the_payment_pending() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "50.00");
    UUID p = create(api, u, acc, "50.01", "DEBIT", "Too much");
    Resp r = api.post("/api/payments/" + p + "/process", null, u.token());
    assertProblem(r, 422, "insufficient_funds");
    assertThat(r.json().getJsonObject("details")).isEqualTo(new JsonObject().put("account_balance", "50.00")
        .put("payment_amount", "50.01").put("shortfall", "0.01"));
    assertThat(fx.status(p)).isEqualTo("PENDING");
    assertThat(fx.balance(acc)).isEqualTo("50.00");
    // top up, then it goes through
    Fixtures.topUp(api, u, acc, "10.00");
    assertThat(api.post("/api/payments/" + p + "/process", null, u.token()).status()).isEqualTo(200);
    assertThat(fx.balance(acc)).isEqualTo("9.99");
  }

  @Test
  void sync_process_daily_limit_duplicate_inactive_and_single_limit() {
    User u = fx.user();
    UUID savings = fx.account(u, "SAVINGS", "2000.00");
    UUID a = create(api, u, savings, "400.00", "DEBIT", "first");
    UUID b = create(api, u, savings, "100.01", "DEBIT", "second");
    assertThat(api.post("/api/payments/" + a + "/process", null, u.token()).status()).isEqualTo(200);
    Resp limit = api.post("/api/payments/" + b + "/process", null, u.token());
    assertProblem(limit, 422, "daily_limit_exceeded");
    assertThat(limit.json().getJsonObject("details")).isEqualTo(new JsonObject().put("daily_limit", "500.00")
        .put("daily_spent", "400.00").put("payment_amount", "100.01"));

    UUID checking = fx.account(u, "CHECKING", "100.00");
    fx.payment(u, checking, "10.00", "DEBIT", "Same", "COMPLETED");
    UUID dup = create(api, u, checking, "10.00", "DEBIT", "Same");
    assertProblem(api.post("/api/payments/" + dup + "/process", null, u.token()), 409, "duplicate_transaction");
    assertThat(fx.status(dup)).isEqualTo("PENDING");

    UUID c = create(api, u, checking, "1.00", "DEBIT", "later inactive");
    fx.exec("UPDATE payments.user_bank_accounts SET status = 'INACTIVE' WHERE id = ?", checking);
    assertProblem(api.post("/api/payments/" + c + "/process", null, u.token()), 422, "account_inactive");

    UUID rich = fx.account(u, "INVESTMENT", "50000.00");
    UUID huge = fx.payment(u, rich, "10000.01", "CREDIT", "imported", "PENDING");
    assertProblem(api.post("/api/payments/" + huge + "/process", null, u.token()), 422, "amount_exceeds_limit");
  }

  @Test
  void process_policy_and_status_checks() {
    User owner = fx.user();
    User admin = fx.user("admin");
    UUID acc = fx.account(owner, "CHECKING", "100.00");
    UUID done = fx.payment(owner, acc, "1.00", "DEBIT", "done", "COMPLETED");
    assertProblem(api.post("/api/payments/" + done + "/process", null, owner.token()), 403, "insufficient_permissions");
    assertProblem(api.post("/api/payments/" + done + "/process", null, admin.token()), 409, "already_processed");
    UUID p = create(api, owner, acc, "3.00", "DEBIT", "x");
    assertProblem(api.post("/api/payments/" + p + "/process", null, fx.user("support").token()), 403,
        "insufficient_permissions");
    assertProblem(api.post("/api/payments/" + p + "/process", null, fx.user().token()), 403, "insufficient_permissions");
    assertProblem(api.post("/api/payments/" + UUID.randomUUID() + "/process", null, owner.token()), 404,
        "payment_not_found");
    assertProblem(api.post("/api/payments/zzz/process", null, owner.token()), 400, "invalid_uuid_format", "id");
    // an admin may process someone else's PENDING payment: it posts to the owner's account
    assertThat(api.post("/api/payments/" + p + "/process", null, admin.token()).status()).isEqualTo(200);
    assertThat(fx.balance(acc)).isEqualTo("96.00");  // 100.00, the completed 1.00 and this 3.00 debited
    assertThat(fx.queryString("SELECT user_id::text FROM payments.transactions WHERE payment_id = ?", p))
        .isEqualTo(owner.id().toString());
  }

  // ------------------------------------------------------------------ process (async)

  @Test
  void async_process_answers_202_with_a_job_ticket_and_a_worker_posts_it() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID p = create(api, u, acc, "40.00", "DEBIT", "Async");
    Resp r = api.send("POST", "/api/payments/" + p + "/process", null, u.token(), Map.of("Prefer", "respond-async, wait=5"));
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    JsonObject d = r.data();
    String job = d.getString("job_id");
    assertThat(d.getString("status")).isEqualTo("available");
    assertThat(d.getString("message")).isEqualTo("Operation scheduled successfully");
    assertThat(d.getString("check_status_url")).isEqualTo("/api/jobs/" + job);
    assertThat(d.getString("payment_id")).isEqualTo(p.toString());
    assertThat(r.json().getJsonObject("metadata").getString("action")).isEqualTo("process_scheduled");
    Poll.until("posted", Duration.ofSeconds(10), () -> "COMPLETED".equals(fx.status(p)));
    assertThat(fx.balance(acc)).isEqualTo("60.00");
    Poll.until("job completed", Duration.ofSeconds(5),
        () -> "completed".equals(api.get("/api/jobs/" + job, u.token()).data().getString("state")));
    JsonObject j = api.get("/api/jobs/" + job, u.token()).data();
    assertThat(j.getString("worker")).isEqualTo("PaymentWorker");
    assertThat(j.getString("queue")).isEqualTo("payments");
    assertThat(j.getInteger("attempt")).isEqualTo(1);
    assertThat(j.getInteger("max_attempts")).isEqualTo(5);
    assertThat(j.getInteger("priority")).isZero();
    assertThat(j.getJsonObject("args")).isEqualTo(new JsonObject().put("payment_id", p.toString()));
    assertThat(j.getJsonObject("result")).isEqualTo(new JsonObject().put("payment_id", p.toString()).put("status", "COMPLETED"));
    assertThat(j.getString("user_id")).isEqualTo(u.id().toString());
    assertThat(j.getJsonArray("errors")).isEmpty();
    assertThat(j.getString("completed_at")).isNotNull();
    // processing again: the payment is no longer PENDING
    assertProblem(Fixtures.processAsync(api, u, p), 403, "insufficient_permissions");
    assertProblem(Fixtures.processAsync(api, fx.user("admin"), p), 409, "already_processed");
  }
}
