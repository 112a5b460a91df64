package com.ledger.banksync.bank;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.json.JsonObject;

/**
 * Pure classification of what happened on a bank call into the catalog (SPEC.md §8.2): which answers count against
 * the circuit breaker, which failures the client itself retries, and the reason callers see.
 * <ul>
 *   <li>5xx and 429 → {@code bank_api_error}, breaker failure, retried by the client (429 after its Retry-After);</li>
 *   <li>I/O errors (refused, reset) → {@code bank_api_error}, breaker failure, retried;</li>
 *   <li>timeouts → {@code timeout}, breaker failure, <em>not</em> retried here (the job retry policy does that);</li>
 *   <li>open breaker → {@code service_unavailable}, immediately;</li>
 *   <li>400/401 on a token call → {@code bank_credentials_invalid}; 401 on a data call → {@code bank_credentials_invalid}
 *       marked {@code access_token_rejected} (the caller refreshes once); other 4xx → {@code bank_api_error}.
 *       None of these count against the breaker: the bank is up.</li>
 * </ul>
 */
public final class BankFailures {
  private static final String TOKEN_REJECTED = "access_token_rejected";

  /** A bank answer that counts as a failure of the remote (5xx, 429). Fails the breaker's command. */
  public static final class RemoteFailure extends RuntimeException {
    public final int status;
    public final long retryAfterMs;

    public RemoteFailure(int status, long retryAfterMs) {
      super("bank answered HTTP " + status, null, false, false);
      this.status = status;
      this.retryAfterMs = retryAfterMs;
    }
  }

  /** How a failed attempt is reported and whether the client may try again. */
  public record Outcome(LedgerException error, boolean retryable, long retryAfterMs, String metric) {}

  private BankFailures() {}

  /** Does this HTTP status count against the breaker? */
  public static boolean isRemoteFailure(int status) {
    return status >= 500 || status == 429;
  }

  /** Parse a Retry-After header in seconds (HTTP-date forms are ignored); -1 when absent or unusable. */
  public static long retryAfterMs(String header) {
    if (header == null) return -1;
    try {
      long s = Long.parseLong(header.trim());
      return s < 0 ? -1 : s * 1000;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public static Outcome classify(Throwable err, int timeoutMs) {
    if (err instanceof OpenCircuitException) {
      return new Outcome(new LedgerException(ErrorCode.SERVICE_UNAVAILABLE,
          "The bank is temporarily unavailable (circuit open); try again later"), false, -1, "rejected");
    }
    if (err instanceof io.vertx.circuitbreaker.TimeoutException || err instanceof java.util.concurrent.TimeoutException) {
      return new Outcome(new LedgerException(ErrorCode.TIMEOUT, "The bank did not answer within " + timeoutMs + " ms"),
          false, -1, "timeout");
    }
    if (err instanceof RemoteFailure rf) {
      return new Outcome(new LedgerException(ErrorCode.BANK_API_ERROR, "The bank answered HTTP " + rf.status,
          new JsonObject().put("bank_status", rf.status)), true, rf.retryAfterMs, rf.status == 429 ? "rate_limited" : "server_error");
    }
    if (err instanceof LedgerException le) return new Outcome(le, false, -1, "error");
    return new Outcome(new LedgerException(ErrorCode.BANK_API_ERROR, "The bank could not be reached"), true, -1, "io_error");
  }

  /** A non-2xx answer that does not count against the breaker (4xx other than 429). */
  public static LedgerException rejected(BankOperation op, int status) {
    if (op.tokenCall && (status == 400 || status == 401)) {
      return new LedgerException(ErrorCode.BANK_CREDENTIALS_INVALID, op == BankOperation.REFRESH
          ? "The bank rejected the stored refresh token; reconnect the bank login"
          : "The bank rejected the supplied credentials");
    }
    if (!op.tokenCall && status == 401) {
      return new LedgerException(ErrorCode.BANK_CREDENTIALS_INVALID, "The bank rejected the access token",
          new JsonObject().put(TOKEN_REJECTED, true));
    }
    return new LedgerException(ErrorCode.BANK_API_ERROR, "The bank answered HTTP " + status,
        new JsonObject().put("bank_status", status));
  }

  /** True for a data call's 401: refresh the access token and try once more. */
  public static boolean isAccessTokenRejected(Throwable err) {
    return err instanceof LedgerException le && le.code == ErrorCode.BANK_CREDENTIALS_INVALID
        && le.details.getBoolean(TOKEN_REJECTED, false);
  }
}
