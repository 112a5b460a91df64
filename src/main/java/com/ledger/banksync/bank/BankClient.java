package com.ledger.banksync.bank;

import com.ledger.platform.config.BankConfig;
import com.ledger.platform.errors.LedgerException;

import com.ledger.banksync.api.BankProtocol;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bank API client of SPEC.md §8.2 (OAuth2 password/refresh grants as form posts, accounts, transactions),
 * always over HTTP and always behind the remote's circuit breaker. Each call has a time budget; failures the
 * client may retry (5xx, 429, I/O) are retried with exponential backoff while the budget lasts, never while the
 * breaker is open. Callers only ever see catalog errors ({@link BankFailures}). Tokens are never logged.
 */
public final class BankClient {
  private static final Logger LOG = LoggerFactory.getLogger(BankClient.class);

  private final Vertx vertx;
  private final WebClient web;
  private final BankConfig cfg;
  private final BankBreakers breakers;
  private final MeterRegistry registry;
  private final Clock clock;

  public BankClient(Vertx vertx, BankConfig cfg, BankBreakers breakers, MeterRegistry registry, Clock clock) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.breakers = breakers;
    this.registry = registry;
    this.clock = clock;
    this.web = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(cfg.timeoutMs())
        .setUserAgent("ledgerbank-bank-client/1.0").setFollowRedirects(false));
  }

  public BankConfig config() {
    return cfg;
  }

  public Future<BankTokens> passwordGrant(String endpoint, String username, String password, long budgetMs) {
    MultiMap form = clientForm().add("grant_type", "password").add("username", username).add("password", password);
    return tokenCall(BankOperation.PASSWORD_GRANT, endpoint, form, budgetMs);
  }

  public Future<BankTokens> refresh(String endpoint, String refreshToken, long budgetMs) {
    MultiMap form = clientForm().add("grant_type", "refresh_token").add("refresh_token", refreshToken);
    return tokenCall(BankOperation.REFRESH, endpoint, form, budgetMs);
  }

  public Future<BankPayloads.Parsed<BankAccount>> fetchAccounts(String endpoint, String accessToken, BankContext ctx,
      long budgetMs) {
    return call(BankOperation.ACCOUNTS, endpoint, deadline(budgetMs), 1, timeout -> web
        .requestAbs(HttpMethod.GET, url(endpoint, BankProtocol.ACCOUNTS_PATH)).putHeaders(ctx.headers())
        .bearerTokenAuthentication(accessToken).timeout(timeout).send())
        .map(r -> BankPayloads.accounts(json(r)));
  }

  public Future<BankPayloads.Parsed<BankTransaction>> fetchTransactions(String endpoint, String accessToken,
      BankContext ctx, String externalAccountId, Instant since, long budgetMs) {
    return call(BankOperation.TRANSACTIONS, endpoint, deadline(budgetMs), 1, timeout -> web
        .requestAbs(HttpMethod.GET, url(endpoint, BankProtocol.TRANSACTIONS_PATH)).putHeaders(ctx.headers())
        .addQueryParam("account_id", externalAccountId).addQueryParam("since", since.toString())
        .bearerTokenAuthentication(accessToken).timeout(timeout).send())
        .map(r -> BankPayloads.transactions(json(r)));
  }

  private Future<BankTokens> tokenCall(BankOperation op, String endpoint, MultiMap form, long budgetMs) {
    return call(op, endpoint, deadline(budgetMs), 1, timeout -> web
        .requestAbs(HttpMethod.POST, url(endpoint, BankProtocol.TOKEN_PATH)).timeout(timeout).sendForm(form))
        .map(r -> BankPayloads.tokens(json(r), clock.instant()));
  }

  /**
   * One logical call: attempts through the breaker; a 2xx answer succeeds, a 4xx (not 429) fails without counting
   * against the breaker, anything else counts and may be retried while the budget lasts.
   */
  private Future<HttpResponse<Buffer>> call(BankOperation op, String endpoint, long deadlineNanos, int attempt,
      LongFunction<Future<HttpResponse<Buffer>>> send) {
    long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    if (remainingMs < 20) {
      return BankFailures.classify(new java.util.concurrent.TimeoutException(), cfg.timeoutMs()).error().future();
    }
    long timeout = Math.min(cfg.timeoutMs(), remainingMs);
    CircuitBreaker breaker;
    try {
      breaker = breakers.forEndpoint(endpoint);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    long start = System.nanoTime();
    Future<HttpResponse<Buffer>> attemptResult = breaker.<HttpResponse<Buffer>>execute(() -> {
      try {
        return send.apply(timeout).compose(r -> BankFailures.isRemoteFailure(r.statusCode())
            ? Future.failedFuture(new BankFailures.RemoteFailure(r.statusCode(),
                BankFailures.retryAfterMs(r.getHeader("Retry-After"))))
            : Future.succeededFuture(r));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
    return attemptResult.transform(ar -> {
      if (ar.succeeded()) {
        HttpResponse<Buffer> r = ar.result();
        int status = r.statusCode();
        record(op, status / 100 == 2 ? "ok" : "rejected_" + status, start);
        if (status / 100 == 2) return Future.succeededFuture(r);
        return BankFailures.rejected(op, status).future();
      }
      BankFailures.Outcome o = BankFailures.classify(ar.cause(), (int) timeout);
      record(op, o.metric(), start);
      if (o.metric().equals("rejected")) breakers.countRejected(endpoint);
      long delay = o.retryAfterMs() >= 0 ? o.retryAfterMs() : backoff(attempt);
      boolean retry = o.retryable() && attempt <= cfg.retries() && delay <= Math.max(cfg.maxRetryAfterMs(), 1)
          && breaker.state() != CircuitBreakerState.OPEN
          && TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()) > delay + 50;
      // a refusal by the open breaker is not news (the breaker logged opening once): debug, not one WARN per call
      var log = (o.metric().equals("rejected") ? LOG.atDebug() : LOG.atWarn()).addKeyValue("operation", op.tag)
          .addKeyValue("outcome", o.metric())
          .addKeyValue("reason", o.error().code.reason()).addKeyValue("attempt", attempt).addKeyValue("retry", retry);
      if (retry) log = log.addKeyValue("retryInMs", delay);
      log.log("bank.call.failed");
      if (!retry && o.metric().equals("rejected")) {
        // refused by the open breaker without calling the bank: say when it lets a call through again
        LedgerException le = o.error();
        return Future.failedFuture(new LedgerException(le.code, le.getMessage(), le.details.copy()
            .put("circuit", "open").put("retry_after_ms", breakers.retryInMs(endpoint))));
      }
      if (!retry) return Future.failedFuture(o.error());
      return vertx.timer(Math.max(1, delay)).compose(v -> call(op, endpoint, deadlineNanos, attempt + 1, send));
    });
  }

  private long backoff(int attempt) {
    long base = (long) cfg.retryBaseMs() << Math.min(attempt - 1, 20);
    return base + ThreadLocalRandom.current().nextLong(Math.max(1, base / 10));
  }

  /** The bank's api_endpoint (with or without a trailing slash or a base path) + the protocol path. */
  static String url(String endpoint, String path) {
    String base = endpoint.trim();
    while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    return base + path;
  }

  private static long deadline(long budgetMs) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, budgetMs));
  }

  private MultiMap clientForm() {
    return MultiMap.caseInsensitiveMultiMap().add("client_id", cfg.clientId()).add("client_secret", cfg.clientSecret());
  }

  private static JsonObject json(HttpResponse<Buffer> r) {
    try {
      Buffer b = r.body();
      return b == null ? null : b.toJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void record(BankOperation op, String outcome, long startNanos) {
    if (registry == null) return;
    Counter.builder("ledger.bank.requests").description("Bank API calls by operation and outcome")
        .tag("operation", op.tag).tag("outcome", outcome).register(registry).increment();
    Timer.builder("ledger.bank.request.duration").description("Bank API call latency").tag("operation", op.tag)
        .register(registry).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }
}
