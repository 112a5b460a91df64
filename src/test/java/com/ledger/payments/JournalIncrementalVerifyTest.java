package com.ledger.payments;

import static com.ledger.payments.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api.Resp;
import com.ledger.support.Api;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import com.ledger.support.TestUsers.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The periodic ledger verify is incremental between full runs (payments/V14): it rechecks the lines written since each
 * account's checkpoint, every account's balance and chain head, and the entries of the new lines; an edit of older
 * history is left to the full run, whose findings the periodic job keeps reporting until the next full run. Its own
 * database (the ledger stays broken afterwards); a periodic run every 200 ms, a full one hourly (so the first).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JournalIncrementalVerifyTest {
  static TestApp app;
  static Api api;
  static Fixtures fx;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("payments.ledger_verify_interval_ms", 200,
        "payments.ledger_verify_full_interval_ms", 3_600_000));
    api = app.api;
    fx = new Fixtures(app.app.vertx(), app.app.config(), app.dbUrl);
  }

  /** Not {@link TestApp#verifyLedgerAndClose}: this class tampers with the journal and balances on purpose. */
  @AfterAll
  static void stop() {
    app.close();
  }

  private static void post(User u, UUID acc, String amount, String direction, int n) {
    for (int i = 0; i < n; i++) {
      UUID p = create(api, u, acc, amount, direction, direction + " " + UUID.randomUUID());
      assertThat(api.post("/api/payments/" + p + "/process", null, u.token()).status()).isEqualTo(200);
    }
  }

  /** One incremental run, called directly (as the periodic job does). */
  private static JsonObject incremental() {
    return new JsonObject(fx.queryString("SELECT payments.ledger_verify_incremental(1000)::text"));
  }

  private static List<String> kinds(JsonObject report, UUID account) {
    List<String> out = new ArrayList<>();
    for (Object o : report.getJsonArray("discrepancies")) {
      JsonObject d = (JsonObject) o;
      if (account.toString().equals(d.getString("account_id"))) out.add(d.getString("kind"));
    }
    return out;
  }

  private static long checkpoint(UUID account) {
    String seq = fx.queryString("SELECT seq::text FROM payments.ledger_verify_accounts WHERE account_id = ?", account);
    return seq == null ? -1 : Long.parseLong(seq);
  }

  private static long head(UUID account) {
    return Long.parseLong(fx.queryString("SELECT journal_seq::text FROM payments.user_bank_accounts WHERE id = ?", account));
  }

  private static JsonObject fullVerify(User admin) {
    Resp r = api.get("/api/admin/ledger/verify", admin.token());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.data();
  }

  private static void tamper(String update) {
    fx.exec("""
        DO $$
        BEGIN
          SET LOCAL session_replication_role = replica;
          %s;
        END
        $$""".formatted(update));
  }

  @Test
  @Order(1)
  void the_first_periodic_run_is_full_and_the_next_ones_advance_each_accounts_checkpoint() {
    Poll.until("a full periodic run recorded", Duration.ofSeconds(10), () -> fx.count(
        "SELECT count(*) FROM payments.ledger_verify_state WHERE full_at IS NOT NULL AND full_violations = 0") == 1);
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    post(u, acc, "2.00", "DEBIT", 3);
    assertThat(head(acc)).isEqualTo(4);
    Poll.until("the account's checkpoint at its head", Duration.ofSeconds(10), () -> checkpoint(acc) == 4);
    assertThat(fx.queryString("SELECT total::text FROM payments.ledger_verify_accounts WHERE account_id = ?", acc))
        .isEqualTo("94.00");
    JsonObject again = incremental();
    assertThat(again.getLong("violations")).as(again.encode()).isZero();
    assertThat(again.getLong("lines_checked")).isZero();
    // a deleted account's checkpoint goes with the next run; its lines stay (closed history)
    fx.exec("DELETE FROM payments.user_bank_accounts WHERE id = ?", acc);
    Poll.until("the deleted account's checkpoint dropped", Duration.ofSeconds(10), () -> checkpoint(acc) == -1);
    assertThat(fx.count("SELECT count(*) FROM payments.journal_lines WHERE account_id = ?", acc)).isEqualTo(4);
    assertThat(fullVerify(fx.user("admin")).getLong("violations")).isZero();
  }

  @Test
  @Order(2)
  void an_edit_before_the_checkpoint_is_left_to_the_full_run_whose_findings_the_periodic_job_keeps() {
    User u = fx.user();
    User admin = fx.user("admin");
    UUID acc = fx.account(u, "CHECKING", "50.00");
    post(u, acc, "1.00", "CREDIT", 3);
    incremental();
    assertThat(checkpoint(acc)).isEqualTo(4);
    // the second line (the first posting) changed around the triggers: before the checkpoint, not its own line
    tamper("UPDATE payments.journal_lines SET amount = amount + 5 WHERE account_id = '%s' AND seq = 2".formatted(acc));
    JsonObject inc = incremental();
    assertThat(kinds(inc, acc)).as("what the incremental run cannot see").isEmpty();
    assertThat(inc.getLong("violations")).isZero();

    JsonObject full = fullVerify(admin);
    assertThat(kinds(full, acc)).contains("chain_broken", "balance_mismatch", "entry_amount_mismatch");
    long found = full.getLong("violations");
    assertThat(found).isGreaterThanOrEqualTo(4);
    Poll.until("detailed health degraded", Duration.ofSeconds(10), () -> {
      Resp h = api.get("/api/health/detailed", null);
      return h.status() == 503 && "error".equals(h.json().getJsonObject("checks").getString("ledger"));
    });
    // periodic incremental runs go on (another account's new lines get checkpointed) and still report the full
    // run's findings: the metric and the health stay as the full run left them
    UUID other = fx.account(u, "SAVINGS", "10.00");
    post(u, other, "1.00", "DEBIT", 1);
    Poll.until("a later periodic run checkpointed the other account", Duration.ofSeconds(10),
        () -> checkpoint(other) == 2);
    // a run publishes before the next one starts: once a second one has checkpointed, the first has published
    post(u, other, "1.00", "DEBIT", 1);
    Poll.until("a second periodic run checkpointed it again", Duration.ofSeconds(10), () -> checkpoint(other) == 3);
    String metrics = api.get("/api/metrics", null).body();
    assertThat(metrics).containsPattern("(?m)^ledger_invariant_violations(\\{[^}]*\\})? " + found + "\\.0$");
    assertThat(api.get("/api/health/detailed", null).status()).isEqualTo(503);
  }

  @Test
  @Order(3)
  void new_lines_balances_and_heads_are_rechecked_by_every_incremental_run() {
    User u = fx.user();
    UUID edited = fx.account(u, "CHECKING", "80.00");
    UUID rebalanced = fx.account(u, "CHECKING", "80.00");
    UUID moved = fx.account(u, "CHECKING", "80.00");
    UUID clean = fx.account(u, "CHECKING", "80.00");
    for (UUID acc : List.of(edited, rebalanced, moved, clean)) post(u, acc, "3.00", "DEBIT", 2);
    // the newest line changed around the triggers (whether or not a periodic run has checkpointed it yet)
    tamper("UPDATE payments.journal_lines SET amount = amount - 1 WHERE account_id = '%s' AND seq = 3".formatted(edited));
    // a balance changed with plain SQL (no line), and a chain head moved back on the account row
    fx.exec("UPDATE payments.user_bank_accounts SET balance = balance + 100 WHERE id = ?", rebalanced);
    fx.exec("UPDATE payments.user_bank_accounts SET journal_seq = 2, journal_hash = (SELECT hash FROM "
        + "payments.journal_lines WHERE account_id = '%s' AND seq = 2) WHERE id = '%s'".formatted(moved, moved));
    for (int run = 0; run < 2; run++) {   // reported again: a finding holds its account's checkpoint back
      JsonObject inc = incremental();
      assertThat(kinds(inc, edited)).as(inc.encode()).contains("chain_broken");
      assertThat(kinds(inc, rebalanced)).as(inc.encode()).containsExactly("balance_mismatch");
      assertThat(kinds(inc, moved)).as(inc.encode()).containsExactly("chain_broken");
      assertThat(kinds(inc, clean)).as(inc.encode()).isEmpty();
      assertThat(inc.getBoolean("chain_intact")).isFalse();
    }
    assertThat(checkpoint(clean)).isEqualTo(3);
    JsonArray full = fullVerify(fx.user("admin")).getJsonArray("discrepancies");
    assertThat(full.stream().map(o -> ((JsonObject) o).getString("account_id")).toList())
        .contains(edited.toString(), rebalanced.toString(), moved.toString()).doesNotContain(clean.toString());
  }

}
