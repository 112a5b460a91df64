package com.ledger.banksync;

import com.ledger.banksync.bank.BankClient;
import com.ledger.banksync.bank.BankFailures;
import com.ledger.banksync.bank.BankTokens;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.security.TokenCipher;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;

/**
 * A login's OAuth2 tokens during one sync (SPEC.md §8.3 step 2): refreshed before use when missing or expiring within
 * the margin, and once more when the bank rejects the access token (401). New tokens are stored encrypted at once
 * (the bank may rotate the refresh token). A rejected refresh puts the login in status ERROR with the reason.
 */
final class TokenSession {
  private final BankLogin login;
  private final BankClient bank;
  private final Pool pool;
  private final LoginRepository logins;
  private final TokenCipher cipher;
  private final Clock clock;
  private final long budgetMs;
  private String accessToken;
  private String refreshToken;
  private Instant expiresAt;

  TokenSession(BankLogin login, BankClient bank, Pool pool, LoginRepository logins, TokenCipher cipher, Clock clock,
      long budgetMs) {
    this.login = login;
    this.bank = bank;
    this.pool = pool;
    this.logins = logins;
    this.cipher = cipher;
    this.clock = clock;
    this.budgetMs = budgetMs;
    this.accessToken = readable(login.accessTokenEnc());
    this.refreshToken = readable(login.refreshTokenEnc());
    this.expiresAt = login.tokenExpiresAt();
  }

  /** Refresh when there is no usable access token or it expires within {@code marginSeconds}. */
  Future<Void> ensureFresh(int marginSeconds) {
    boolean expiring = expiresAt == null || !expiresAt.isAfter(clock.instant().plusSeconds(marginSeconds));
    return accessToken == null || expiring ? refresh() : Future.succeededFuture();
  }

  /** Run a data call with the access token; on a 401 refresh once and run it again. */
  <T> Future<T> call(Function<String, Future<T>> dataCall) {
    return dataCall.apply(accessToken).recover(err -> {
      if (!BankFailures.isAccessTokenRejected(err)) return Future.failedFuture(err);
      return refresh().compose(v -> dataCall.apply(accessToken)).recover(again -> BankFailures.isAccessTokenRejected(again)
          ? rejected("The bank rejects freshly refreshed access tokens")
          : Future.failedFuture(again));
    });
  }

  private Future<Void> refresh() {
    if (refreshToken == null) return rejected("No usable refresh token is stored; reconnect the bank login");
    return bank.refresh(login.apiEndpoint(), refreshToken, budgetMs)
        .recover(err -> err instanceof LedgerException le && le.code == ErrorCode.BANK_CREDENTIALS_INVALID
            ? rejected(le.getMessage()) : Future.failedFuture(err))
        .compose(this::store);
  }

  private Future<Void> store(BankTokens t) {
    accessToken = t.accessToken();
    if (t.refreshToken() != null) refreshToken = t.refreshToken();
    expiresAt = t.expiresAt();
    return logins.saveTokens(pool, login.id(), cipher.encrypt(accessToken), cipher.encrypt(refreshToken), expiresAt,
        t.scope());
  }

  /** The bank refused the login's credentials: status ERROR with the reason, then a non-retryable failure. */
  private <T> Future<T> rejected(String detail) {
    LedgerException e = new LedgerException(ErrorCode.BANK_CREDENTIALS_INVALID, detail);
    return logins.markError(pool, login.id(), ErrorCode.BANK_CREDENTIALS_INVALID.reason())
        .transform(x -> Future.failedFuture(e));
  }

  /** A stored token we can decrypt, else null (treated as absent: a refresh follows). */
  private String readable(String stored) {
    if (stored == null) return null;
    try {
      return cipher.decrypt(stored);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
