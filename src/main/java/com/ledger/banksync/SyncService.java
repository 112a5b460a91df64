package com.ledger.banksync;

import com.ledger.banksync.bank.BankAccount;
import com.ledger.banksync.bank.BankClient;
import com.ledger.banksync.bank.BankContext;
import com.ledger.banksync.bank.BankPayloads;
import com.ledger.banksync.bank.BankTransaction;
import com.ledger.payments.api.SyncImportApi;
import com.ledger.platform.bus.Bus;
import com.ledger.platform.bus.Replies;
import com.ledger.platform.config.SyncSettings;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.security.TokenCipher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync of a bank login (SPEC.md §8.3): load the login → tokens fresh → accounts → each account's transactions
 * since the previous sync (minus an overlap; dedup is by external id) or 90 days → hand everything to the ledger in
 * one message ({@link SyncImportApi}) → stamp {@code last_sync_at}, status ACTIVE. Idempotent: a retried or
 * repeated sync imports nothing twice. Failures are catalog errors; the job's retry policy decides what happens.
 */
final class SyncService {
  private static final Logger LOG = LoggerFactory.getLogger(SyncService.class);
  private static final long BANK_BUDGET_MS = 120_000;
  private static final long IMPORT_TIMEOUT_MS = 60_000;

  private final Vertx vertx;
  private final Pool pool;
  private final LoginRepository logins;
  private final BankClient bank;
  private final TokenCipher cipher;
  private final SyncSettings settings;
  private final MeterRegistry registry;
  private final Clock clock;

  SyncService(Vertx vertx, Pool pool, LoginRepository logins, BankClient bank, TokenCipher cipher, SyncSettings settings,
      MeterRegistry registry, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.logins = logins;
    this.bank = bank;
    this.cipher = cipher;
    this.settings = settings;
    this.registry = registry;
    this.clock = clock;
  }

  /** @param syncId identifies this sync to the bank (the job id): all attempts of one job are one sync. */
  Future<JsonObject> sync(UUID loginId, String syncId) {
    long t0 = System.nanoTime();
    return logins.find(pool, loginId)
        .compose(login -> login == null
            ? LedgerException.<JsonObject>fail(ErrorCode.ACCOUNT_NOT_FOUND, "Bank login not found")
            : run(login, syncId))
        .onComplete(ar -> {
          String outcome = ar.succeeded() ? "ok" : Replies.toLedger(ar.cause()).code.reason();
          if (registry != null) {
            Counter.builder("ledger.bank.syncs").description("Bank login syncs by outcome").tag("outcome", outcome)
                .register(registry).increment();
          }
          var log = ar.succeeded() ? LOG.atInfo() : LOG.atWarn();
          log.addKeyValue("loginId", loginId).addKeyValue("syncId", syncId).addKeyValue("outcome", outcome)
              .addKeyValue("ms", (System.nanoTime() - t0) / 1_000_000)
              .addKeyValue("result", ar.succeeded() ? ar.result().encode() : null).log("bank.sync");
        });
  }

  private Future<JsonObject> run(BankLogin login, String syncId) {
    if (login.apiEndpoint() == null || login.apiEndpoint().isBlank()) {
      return LedgerException.fail(ErrorCode.BANK_API_ERROR, "The bank has no API endpoint configured");
    }
    TokenSession tokens = new TokenSession(login, bank, pool, logins, cipher, clock, BANK_BUDGET_MS);
    BankContext ctx = new BankContext(login.id().toString(), login.insertedAt(), login.bankName(), login.bankCountry(),
        syncId);
    Instant since = login.lastSyncAt() == null
        ? clock.instant().minus(Duration.ofDays(settings.initialLookbackDays()))
        : login.lastSyncAt().minusSeconds(settings.overlapSeconds());
    Instant sinceSecond = Instant.ofEpochSecond(since.getEpochSecond());
    return fetch(login, tokens, ctx, sinceSecond)
        .compose(batch -> vertx.eventBus().<JsonObject>request(SyncImportApi.ADDRESS,
                new JsonObject().put("login_id", login.id().toString()).put("user_id", login.userId().toString())
                    .put("accounts", batch), Bus.options(syncId, IMPORT_TIMEOUT_MS))
            .recover(err -> Future.failedFuture(Replies.toLedger(err)))
            .compose(reply -> reconcileAfterSync(login, syncId, sinceSecond, batch).map(reply.body())))
        .compose(imported -> logins.markSynced(pool, login.id()).compose(at -> at == null
            ? LedgerException.<JsonObject>fail(ErrorCode.ACCOUNT_NOT_FOUND, "Bank login not found")
            : Future.succeededFuture(new JsonObject().put("login_id", login.id().toString())
                .put("accounts_synced", imported.getInteger("accounts_synced", 0))
                .put("transactions_imported", imported.getInteger("transactions_imported", 0)))));
  }

  /**
   * Issue 12: every sync is followed by a reconciliation of what the bank just answered (the sync's window) with what
   * the ledger holds from that login. Its outcome is recorded by the ledger; a discrepancy is logged here. A failed
   * check never fails the sync.
   */
  private Future<Void> reconcileAfterSync(BankLogin login, String syncId, Instant since, JsonArray batch) {
    return vertx.eventBus().<JsonObject>request(com.ledger.payments.api.PaymentsApi.RECONCILE, new JsonObject()
            .put("login_id", login.id().toString()).put("since", since.toString()).put("accounts", batch),
            Bus.options(syncId, IMPORT_TIMEOUT_MS))
        .map(reply -> {
          JsonObject r = reply.body();
          int found = r.getJsonArray("missing_in_ledger", new JsonArray()).size()
              + r.getJsonArray("missing_at_bank", new JsonArray()).size()
              + r.getJsonArray("amount_mismatches", new JsonArray()).size();
          if (found > 0) {
            LOG.atWarn().addKeyValue("loginId", login.id()).addKeyValue("reconciliationId", r.getString("id"))
                .addKeyValue("discrepancies", found).log("bank.reconciliation.discrepancies");
          }
          return (Void) null;
        })
        .recover(err -> {
          LOG.atWarn().addKeyValue("loginId", login.id()).addKeyValue("error", String.valueOf(err))
              .log("bank.reconciliation.after_sync failed");
          return Future.succeededFuture();
        });
  }

  /**
   * The bank's view of a login for a reconciliation (issue 12): its accounts, each with its transactions posted at or
   * after {@code since}, in the import message's shape. Fails like a sync (no endpoint, bank errors).
   */
  Future<JsonArray> bankView(UUID loginId, String syncId, Instant since) {
    return logins.find(pool, loginId).compose(login -> {
      if (login == null) return LedgerException.<JsonArray>fail(ErrorCode.ACCOUNT_NOT_FOUND, "Bank login not found");
      if (login.apiEndpoint() == null || login.apiEndpoint().isBlank()) {
        return LedgerException.fail(ErrorCode.BANK_API_ERROR, "The bank has no API endpoint configured");
      }
      TokenSession tokens = new TokenSession(login, bank, pool, logins, cipher, clock, BANK_BUDGET_MS);
      BankContext ctx = new BankContext(login.id().toString(), login.insertedAt(), login.bankName(),
          login.bankCountry(), syncId);
      return fetch(login, tokens, ctx, since);
    });
  }

  /** How far back a reconciliation looks: the window of a first sync. */
  Instant reconciliationSince() {
    return Instant.ofEpochSecond(clock.instant().minus(Duration.ofDays(settings.initialLookbackDays())).getEpochSecond());
  }

  private Future<JsonArray> fetch(BankLogin login, TokenSession tokens, BankContext ctx, Instant since) {
    return tokens.ensureFresh(settings.refreshMarginSeconds())
        .compose(v -> tokens.call(at -> bank.fetchAccounts(login.apiEndpoint(), at, ctx, BANK_BUDGET_MS)))
        .compose(accounts -> {
          JsonArray batch = new JsonArray();
          Future<Void> chain = Future.succeededFuture();
          for (BankAccount a : accounts.items()) {
            chain = chain.compose(v -> tokens.call(at -> bank.fetchTransactions(login.apiEndpoint(), at, ctx,
                    a.externalAccountId(), since, BANK_BUDGET_MS))
                .map(txns -> {
                  batch.add(withTransactions(a, txns));
                  return null;
                }));
          }
          return chain.map(batch);
        });
  }

  private static JsonObject withTransactions(BankAccount a, BankPayloads.Parsed<BankTransaction> txns) {
    JsonArray list = new JsonArray();
    txns.items().forEach(t -> list.add(t.toJson()));
    return a.toJson().put("transactions", list);
  }
}
