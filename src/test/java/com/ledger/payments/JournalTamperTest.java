package com.ledger.payments;

import static com.ledger.payments.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api.Resp;
import com.ledger.support.Poll;
import com.ledger.support.TestUsers.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Tamper evidence (issue 12): an edit made around the journal's triggers (session_replication_role = replica) is
 * found by the verify: the account's chain no longer recomputes, its balance no longer matches, the entry no longer
 * balances; the metric and the detailed health follow. Its own database: the ledger stays broken afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JournalTamperTest extends PaymentsE2E {

  @BeforeAll
  static void brokenOnPurpose() {
    ledgerUnchecked = "the journal is tampered with on purpose";
  }

  @Test
  @Order(1)
  void a_line_changed_with_the_triggers_disabled_is_reported() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID other = fx.account(u, "CHECKING", "10.00");
    for (int i = 0; i < 3; i++) {
      UUID p = create(api, u, acc, "1.00", "DEBIT", "d" + i);
      assertThat(api.post("/api/payments/" + p + "/process", null, u.token()).status()).isEqualTo(200);
    }
    User admin = fx.user("admin");
    JsonObject clean = verify(admin);
    assertThat(clean.getLong("violations")).isZero();
    Poll.until("detailed health ok", Duration.ofSeconds(10),
        () -> api.get("/api/health/detailed", null).status() == 200);

    // the second posting's line: 1.00 more debited, written around the append-only trigger
    fx.exec("""
        DO $$
        BEGIN
          SET LOCAL session_replication_role = replica;
          UPDATE payments.journal_lines SET amount = amount - 1
           WHERE account_id = '%s' AND seq = 3;
        END
        $$""".formatted(acc));

    JsonObject v = verify(admin);
    assertThat(v.getBoolean("chain_intact")).isFalse();
    assertThat(v.getBoolean("balanced")).isFalse();
    JsonArray found = v.getJsonArray("discrepancies");
    List<String> kinds = new ArrayList<>();
    for (Object o : found) {
      JsonObject d = (JsonObject) o;
      kinds.add(d.getString("kind"));
      if (d.getString("kind").equals("balance_mismatch")) {
        assertThat(d.getString("account_id")).isEqualTo(acc.toString());
        assertThat(d.getString("expected")).isEqualTo("96.00");   // the journal's sum
        assertThat(d.getString("actual")).isEqualTo("97.00");     // the stored balance
      }
      if (d.getString("kind").equals("chain_broken")) assertThat(d.getString("account_id")).isEqualTo(acc.toString());
    }
    assertThat(kinds).contains("chain_broken", "balance_mismatch", "unbalanced_entry", "entry_amount_mismatch");
    assertThat(found.stream().map(o -> ((JsonObject) o).getString("account_id")))
        .as("the untouched account is not reported").doesNotContain(other.toString());
    assertThat(v.getLong("violations")).isEqualTo(found.size());

    // every node learns of it: the metric and the detailed health
    Poll.until("detailed health degraded", Duration.ofSeconds(10), () -> {
      Resp h = api.get("/api/health/detailed", null);
      return h.status() == 503 && "error".equals(h.json().getJsonObject("checks").getString("ledger"));
    });
    String metrics = api.get("/api/metrics", null).body();
    assertThat(metrics).containsPattern("(?m)^ledger_invariant_violations(\\{[^}]*\\})? " + found.size() + "\\.0$");
  }

  @Test
  @Order(2)
  void a_line_rewritten_with_a_recomputed_hash_still_breaks_the_chain_after_it() {
    User u = fx.user();
    UUID acc = fx.account(u, "SAVINGS", "40.00");
    for (int i = 0; i < 2; i++) {
      UUID p = create(api, u, acc, "2.00", "CREDIT", "c" + i);
      assertThat(api.post("/api/payments/" + p + "/process", null, u.token()).status()).isEqualTo(200);
    }
    // rewrite the opening line AND its own hash (a careful forger), around the triggers
    fx.exec("""
        DO $$
        BEGIN
          SET LOCAL session_replication_role = replica;
          UPDATE payments.journal_lines
             SET amount = 400.00,
                 hash = payments.journal_line_hash(NULL, entry_id, account_id, seq, currency, 400.00, posted_at)
           WHERE account_id = '%s' AND seq = 1;
        END
        $$""".formatted(acc));
    List<String> chain = fx.queryStrings("SELECT kind || ' ' || coalesce(entry_id::text, '-') FROM payments.ledger_verify() "
        + "WHERE account_id = ? AND kind = 'chain_broken'", acc);
    // the forged line recomputes, the next one (chained on the old hash) does not
    String second = fx.queryString("SELECT entry_id::text FROM payments.journal_lines WHERE account_id = ? AND seq = 2", acc);
    assertThat(chain).containsExactly("chain_broken " + second);
  }

  @Test
  @Order(3)
  void a_chain_head_moved_on_the_account_row_is_reported() {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "30.00");
    UUID p = create(api, u, acc, "3.00", "DEBIT", "h");
    assertThat(api.post("/api/payments/" + p + "/process", null, u.token()).status()).isEqualTo(200);
    assertThat(fx.queryStrings("SELECT kind FROM payments.ledger_verify() WHERE account_id = ?", acc)).isEmpty();
    // the head (payments/V11) set back to the opening line: the next posting would fork the chain
    fx.exec("UPDATE payments.user_bank_accounts SET journal_seq = 1, journal_hash = (SELECT hash FROM "
        + "payments.journal_lines WHERE account_id = '%s' AND seq = 1) WHERE id = '%s'".formatted(acc, acc));
    assertThat(fx.queryStrings("SELECT kind || ' ' || coalesce(entry_id::text, '-') FROM payments.ledger_verify() "
        + "WHERE account_id = ?", acc)).containsExactly("chain_broken -");
    // and the unique (account_id, seq) refuses that fork: the posting fails, nothing is written
    UUID q = create(api, u, acc, "1.00", "DEBIT", "fork");
    assertThat(api.post("/api/payments/" + q + "/process", null, u.token()).status()).isNotEqualTo(200);
    assertThat(fx.queryString("SELECT balance::text FROM payments.user_bank_accounts WHERE id = ?", acc))
        .isEqualTo("27.00");
  }

  private static JsonObject verify(User admin) {
    Resp r = api.get("/api/admin/ledger/verify", admin.token());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.data();
  }
}
