package com.ledger.payments;

import static com.ledger.payments.Fixtures.create;
import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api;
import com.ledger.support.Api.Resp;
import com.ledger.support.TestUsers.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** End to end: GET /accounts, /accounts/{id}, /accounts/{id}/transactions (SPEC.md §2.6). */
class AccountsApiTest extends PaymentsE2E {
  @Test
  void list_returns_my_accounts_of_every_status_oldest_first() {
    User u = fx.user();
    UUID a = fx.account(u, "CHECKING", "10.00");
    UUID b = fx.account(u, "SAVINGS", "20.00", "CLOSED");
    fx.exec("UPDATE payments.user_bank_accounts SET inserted_at = inserted_at - interval '1 day' WHERE id = ?", b);
    User admin = fx.user("admin");
    fx.account(admin, "CHECKING", "1.00");
    Resp r = api.get("/api/accounts", u.token());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonArray data = r.dataArray();
    assertThat(data).hasSize(2);
    assertThat(data.getJsonObject(0).getString("id")).isEqualTo(b.toString());
    assertThat(data.getJsonObject(1).getString("id")).isEqualTo(a.toString());
    JsonObject acc = data.getJsonObject(1);
    assertThat(acc.fieldNames()).containsExactlyInAnyOrder("id", "currency", "account_type", "balance", "last_four",
        "account_name", "status", "last_sync_at", "external_account_id", "user_bank_login_id", "user_id",
        "inserted_at", "updated_at");
    assertThat(acc.getString("balance")).isEqualTo("10.00");
    assertThat(data.getJsonObject(0).getString("status")).isEqualTo("CLOSED");
    assertThat(r.json().getJsonObject("metadata")).isEqualTo(new JsonObject().put("action", "listed").put("total_count", 2));
    assertThat(api.get("/api/accounts", admin.token()).dataArray()).hasSize(1);
    assertThat(api.get("/api/accounts", fx.user().token()).dataArray()).isEmpty();
  }

  @Test
  void get_access_rules() {
    User u = fx.user();
    UUID a = fx.account(u, "CREDIT", "0.00");
    Resp r = api.get("/api/accounts/" + a, u.token());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.data().getString("account_type")).isEqualTo("CREDIT");
    assertThat(r.json().getJsonObject("metadata").getString("action")).isEqualTo("retrieved");
    assertThat(api.get("/api/accounts/" + a, fx.user("admin").token()).status()).isEqualTo(200);
    assertThat(api.get("/api/accounts/" + a, fx.user("support").token()).status()).isEqualTo(200);
    assertProblem(api.get("/api/accounts/" + a, fx.user().token()), 403, "insufficient_permissions");
    assertProblem(api.get("/api/accounts/" + UUID.randomUUID(), u.token()), 404, "account_not_found");
    assertProblem(api.get("/api/accounts/abc", u.token()), 400, "invalid_uuid_format", "id");
  }

  @Test
  void transactions_keyset_pages_and_filters() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "1000.00");
    List<UUID> payments = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      UUID p = create(api, u, acc, (i + 1) + ".00", i < 5 ? "DEBIT" : "CREDIT", "t" + i);
      assertThat(api.post("/api/payments/" + p + "/process", null, u.token()).status()).isEqualTo(200);
      payments.add(p);
    }
    // spread posted_at so the order is visible; ties on posted_at are broken by id
    fx.exec("UPDATE payments.transactions SET posted_at = posted_at - (amount::int * interval '1 minute') WHERE account_id = ?", acc);

    Resp first = api.get("/api/accounts/" + acc + "/transactions?limit=3", u.token());
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    JsonObject t = first.dataArray().getJsonObject(0);
    assertThat(t.fieldNames()).containsExactlyInAnyOrder("id", "description", "amount", "direction", "posted_at",
        "account_id", "user_id", "payment_id", "external_transaction_id", "inserted_at", "updated_at");
    assertThat(t.getString("amount")).isEqualTo("1.00");
    assertThat(t.getString("payment_id")).isEqualTo(payments.get(0).toString());
    JsonObject pg = first.json().getJsonObject("metadata").getJsonObject("pagination");
    assertThat(pg.getString("type")).isEqualTo("keyset");
    assertThat(pg.getInteger("limit")).isEqualTo(3);
    assertThat(pg.getBoolean("has_more")).isTrue();
    assertThat(pg.getJsonObject("next_cursor").fieldNames()).containsExactlyInAnyOrder("posted_at", "id");

    List<String> seen = new ArrayList<>();
    Set<String> unique = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      String q = "/api/accounts/" + acc + "/transactions?limit=3"
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      Resp r = api.get(q, u.token());
      assertThat(r.status()).as(q + " -> " + r.body()).isEqualTo(200);
      for (Object o : r.dataArray()) {
        seen.add(((JsonObject) o).getString("amount"));
        unique.add(((JsonObject) o).getString("id"));
      }
      JsonObject p = r.json().getJsonObject("metadata").getJsonObject("pagination");
      cursor = p.getBoolean("has_more") ? p.getJsonObject("next_cursor").encode() : null;
      if (cursor == null) assertThat(p.getValue("next_cursor")).isNull();
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactly("1.00", "2.00", "3.00", "4.00", "5.00", "6.00", "7.00");
    assertThat(unique).hasSize(7);

    assertThat(api.get("/api/accounts/" + acc + "/transactions?direction=credit", u.token()).dataArray()).hasSize(2);
    assertThat(api.get("/api/accounts/" + acc + "/transactions?limit=7", u.token()).json().getJsonObject("metadata")
        .getJsonObject("pagination").getBoolean("has_more")).isFalse();
    assertThat(api.get("/api/accounts/" + acc + "/transactions?cursor=garbage", u.token()).dataArray()).hasSize(7);
    assertThat(api.get("/api/accounts/" + acc + "/transactions?limit=500", u.token()).json().getJsonObject("metadata")
        .getJsonObject("pagination").getInteger("limit")).isEqualTo(100);
    String to = fx.queryString("SELECT to_char(posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
        + "FROM payments.transactions WHERE payment_id = ?", payments.get(2));
    // inclusive bounds: from the 3.00 posting back in time
    assertThat(api.get("/api/accounts/" + acc + "/transactions?date_to=" + to, u.token()).dataArray()).hasSize(5);
    assertThat(api.get("/api/accounts/" + acc + "/transactions?date_from=" + to, u.token()).dataArray()).hasSize(3);
    assertProblem(api.get("/api/accounts/" + acc + "/transactions?direction=UP", u.token()), 400, "invalid_direction",
        "direction");
    assertProblem(api.get("/api/accounts/" + acc + "/transactions?date_from=today", u.token()), 400,
        "invalid_datetime_format", "date_from");
    assertProblem(api.get("/api/accounts/" + acc + "/transactions", fx.user().token()), 403, "insufficient_permissions");
    assertThat(api.get("/api/accounts/" + acc + "/transactions", fx.user("support").token()).status()).isEqualTo(200);
    assertProblem(api.get("/api/accounts/" + UUID.randomUUID() + "/transactions", u.token()), 404, "account_not_found");
  }
}
