package com.ledger.banksync.bank;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.errors.ErrorCode;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.VertxException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class BankFailuresTest {

  @Test
  void remote_failures_are_5xx_and_429_only() {
    for (int s : new int[] {500, 502, 503, 504, 429}) assertThat(BankFailures.isRemoteFailure(s)).as("" + s).isTrue();
    for (int s : new int[] {200, 400, 401, 403, 404, 409, 422}) assertThat(BankFailures.isRemoteFailure(s)).as("" + s).isFalse();
  }

  @Test
  void classification_table() {
    record Row(Throwable err, ErrorCode code, boolean retryable, String metric) {}
    var rows = java.util.List.of(
        new Row(OpenCircuitException.INSTANCE, ErrorCode.SERVICE_UNAVAILABLE, false, "rejected"),
        new Row(io.vertx.circuitbreaker.TimeoutException.INSTANCE, ErrorCode.TIMEOUT, false, "timeout"),
        new Row(new java.util.concurrent.TimeoutException("x"), ErrorCode.TIMEOUT, false, "timeout"),
        new Row(new BankFailures.RemoteFailure(503, -1), ErrorCode.BANK_API_ERROR, true, "server_error"),
        new Row(new BankFailures.RemoteFailure(429, 2000), ErrorCode.BANK_API_ERROR, true, "rate_limited"),
        new Row(new ConnectException("refused"), ErrorCode.BANK_API_ERROR, true, "io_error"),
        new Row(new VertxException("Connection was closed"), ErrorCode.BANK_API_ERROR, true, "io_error"));
    for (Row r : rows) {
      var o = BankFailures.classify(r.err(), 1000);
      assertThat(o.error().code).as(r.toString()).isEqualTo(r.code());
      assertThat(o.retryable()).as(r.toString()).isEqualTo(r.retryable());
      assertThat(o.metric()).as(r.toString()).isEqualTo(r.metric());
    }
    assertThat(BankFailures.classify(new BankFailures.RemoteFailure(429, 2000), 1).retryAfterMs()).isEqualTo(2000);
  }

  @Test
  void rejections_do_not_blame_the_bank() {
    assertThat(BankFailures.rejected(BankOperation.PASSWORD_GRANT, 400).code).isEqualTo(ErrorCode.BANK_CREDENTIALS_INVALID);
    assertThat(BankFailures.rejected(BankOperation.REFRESH, 401).code).isEqualTo(ErrorCode.BANK_CREDENTIALS_INVALID);
    assertThat(BankFailures.rejected(BankOperation.PASSWORD_GRANT, 404).code).isEqualTo(ErrorCode.BANK_API_ERROR);
    var dataAuth = BankFailures.rejected(BankOperation.ACCOUNTS, 401);
    assertThat(BankFailures.isAccessTokenRejected(dataAuth)).isTrue();
    assertThat(BankFailures.isAccessTokenRejected(BankFailures.rejected(BankOperation.REFRESH, 401))).isFalse();
    assertThat(BankFailures.rejected(BankOperation.TRANSACTIONS, 400).code).isEqualTo(ErrorCode.BANK_API_ERROR);
  }

  @Test
  void retry_after_is_seconds() {
    assertThat(BankFailures.retryAfterMs("2")).isEqualTo(2000);
    assertThat(BankFailures.retryAfterMs(" 0 ")).isZero();
    assertThat(BankFailures.retryAfterMs(null)).isEqualTo(-1);
    assertThat(BankFailures.retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(-1);
    assertThat(BankFailures.retryAfterMs("-3")).isEqualTo(-1);
  }

  @Test
  void urls_join_the_endpoint_and_the_path() {
    assertThat(BankClient.url("http://127.0.0.1:4010", "/accounts")).isEqualTo("http://127.0.0.1:4010/accounts");
    assertThat(BankClient.url("http://127.0.0.1:4010/", "/accounts")).isEqualTo("http://127.0.0.1:4010/accounts");
    assertThat(BankClient.url(" https://api.bank.com/v1// ", "/oauth2/token")).isEqualTo("https://api.bank.com/v1/oauth2/token");
  }

  @Test
  void breaker_remote_is_scheme_host_port() {
    assertThat(BankBreakers.remoteOf("http://127.0.0.1:4010")).isEqualTo("http://127.0.0.1:4010");
    assertThat(BankBreakers.remoteOf("http://127.0.0.1:4010/api/v1")).isEqualTo("http://127.0.0.1:4010");
    assertThat(BankBreakers.remoteOf("https://api.bank.com")).isEqualTo("https://api.bank.com:443");
    assertThat(BankBreakers.remoteOf("not a url")).isEqualTo("invalid");
    assertThat(BankBreakers.remoteOf(null)).isEqualTo("invalid");
  }
}
