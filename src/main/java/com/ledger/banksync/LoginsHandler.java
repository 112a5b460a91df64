package com.ledger.banksync;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.banksync.bank.BankClient;
import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.db.SqlStates;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.idempotency.Idempotency;
import com.ledger.platform.security.TokenCipher;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** banksync.logins-create / -list / -delete and banksync.sync-login (SPEC.md §2.6). */
final class LoginsHandler {
  private static final Logger LOG = LoggerFactory.getLogger(LoginsHandler.class);

  private final Pool pool;
  private final LoginRepository logins;
  private final BankClient bank;
  private final TokenCipher cipher;
  private final SyncJobs jobs;
  private final long bankBudgetMs;
  private final Idempotency idempotency;

  LoginsHandler(Pool pool, LoginRepository logins, BankClient bank, TokenCipher cipher, SyncJobs jobs, long bankBudgetMs,
      Idempotency idempotency) {
    this.pool = pool;
    this.logins = logins;
    this.bank = bank;
    this.cipher = cipher;
    this.jobs = jobs;
    this.bankBudgetMs = bankBudgetMs;
    this.idempotency = idempotency;
  }

  /**
   * The checks and the bank's password grant run first, outside any transaction (no connection held across the
   * bank call); the insert then runs in the Idempotency-Key's transaction, so with a key the login and its recorded
   * response commit together.
   */
  Future<ApiReply> create(ApiRequest req) {
    Caller caller = caller(req);
    UUID userId = UUID.fromString(caller.userId());
    LoginRequest in = LoginRequest.parse(req.body(), req.numbers());
    return idempotency.run(req, userId, () -> logins.findBranch(pool, in.branchId(), userId, in.username())
        .compose(branch -> {
          if (branch == null || !"ACTIVE".equals(branch.bankStatus())) {
            return LedgerException.<LoginRepository.Branch>fail(BANK_NOT_FOUND, "No active bank has this branch");
          }
          if (branch.loginExists()) return alreadyExists();
          if (branch.apiEndpoint() == null || branch.apiEndpoint().isBlank()) {
            return LedgerException.<LoginRepository.Branch>fail(BANK_API_ERROR, "The bank has no API endpoint configured");
          }
          return Future.succeededFuture(branch);
        })
        .compose(branch -> bank.passwordGrant(branch.apiEndpoint(), in.username(), in.password(), bankBudgetMs)
            .recover(LoginsHandler::asLoginCreateError)),
        (db, t) -> logins.insert(db, userId, in.branchId(), in.username(), in.syncFrequency(),
                cipher.encrypt(t.accessToken()), cipher.encrypt(t.refreshToken()), t.expiresAt(), t.scope(),
                t.providerUserId())
            .recover(err -> SqlStates.isUniqueViolation(err) ? alreadyExists()
                : Future.failedFuture(err))
            .map(login -> {
              LOG.atInfo().addKeyValue("cid", req.correlationId()).addKeyValue("loginId", login.id())
                  .addKeyValue("userId", userId).log("bank_login.created");
              return ApiReply.of(201, login.toJson(), new JsonObject().put("action", "created"));
            }));
  }

  Future<ApiReply> list(ApiRequest req) {
    UUID userId = UUID.fromString(caller(req).userId());
    return logins.listByUser(pool, userId).map(list -> {
      JsonArray data = new JsonArray();
      list.forEach(l -> data.add(l.toJson()));
      return ApiReply.ok(data, new JsonObject().put("action", "listed").put("total_count", list.size()));
    });
  }

  Future<ApiReply> delete(ApiRequest req) {
    Caller caller = caller(req);
    UUID id = req.pathId();
    return pool.withTransaction(tx -> logins.find(tx, id)
        .compose(login -> {
          if (login == null) return LedgerException.<Void>fail(ACCOUNT_NOT_FOUND, "Bank login not found");
          if (!LoginAccess.canDelete(caller, login.userId())) {
            return LedgerException.<Void>fail(INSUFFICIENT_PERMISSIONS, "Only the owner or an admin may delete this login");
          }
          return jobs.cancelPending(tx, id).compose(v -> logins.delete(tx, id)).mapEmpty();
        }))
        .map(v -> {
          LOG.atInfo().addKeyValue("cid", req.correlationId()).addKeyValue("loginId", id).log("bank_login.deleted");
          return ApiReply.ok(new JsonObject().put("message", "Bank login deleted successfully"), new JsonObject());
        });
  }

  /**
   * With an Idempotency-Key the job's enqueue and the recorded ticket commit together; a repeat replays the ticket
   * (and wakes no worker).
   */
  Future<ApiReply> sync(ApiRequest req) {
    Caller caller = caller(req);
    UUID id = req.pathId();
    AtomicBoolean enqueued = new AtomicBoolean();
    return idempotency.runInTransaction(req, UUID.fromString(caller.userId()), tx -> logins.find(tx, id)
        .compose(login -> {
          if (login == null) return LedgerException.<SyncTicket>fail(ACCOUNT_NOT_FOUND, "Bank login not found");
          if (!LoginAccess.canSync(caller, login.userId())) {
            return LedgerException.<SyncTicket>fail(INSUFFICIENT_PERMISSIONS, "Only the owner, support or an admin may sync this login");
          }
          return jobs.schedule(tx, login);
        })
        .map(ticket -> {
          enqueued.set(!ticket.duplicate());
          return ApiReply.of(202, ticket.toJson(), new JsonObject().put("action", "sync_scheduled"));
        }))
        .onSuccess(reply -> {
          if (enqueued.get()) jobs.wake();  // after the commit
        });
  }

  /** Login creation reports every bank outage as bank_api_error, except an open breaker (service_unavailable). */
  private static Future<com.ledger.banksync.bank.BankTokens> asLoginCreateError(Throwable err) {
    if (err instanceof LedgerException le && le.code == TIMEOUT) {
      return LedgerException.fail(BANK_API_ERROR, le.getMessage());
    }
    return Future.failedFuture(err);
  }

  private static <T> Future<T> alreadyExists() {
    return LedgerException.fail(BANK_LOGIN_EXISTS, "A login with this username already exists for this branch");
  }

  static Caller caller(ApiRequest req) {
    return req.caller().orElseThrow(() -> new LedgerException(INVALID_TOKEN, "Authentication is required"));
  }
}
