package com.ledger.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.errors.ErrorCode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetryPolicyTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        // code, attempt, max_attempts, jitter, expected (null = dead, else delay ms)
        Arguments.of(ErrorCode.INSUFFICIENT_FUNDS, 1, 5, 0.0, null),
        Arguments.of(ErrorCode.PAYMENT_NOT_FOUND, 1, 5, 0.0, null),
        Arguments.of(ErrorCode.ALREADY_PROCESSED, 1, 5, 0.0, null),
        Arguments.of(ErrorCode.MISSING_FIELDS, 1, 5, 0.0, null),
        Arguments.of(ErrorCode.INSUFFICIENT_PERMISSIONS, 1, 5, 0.0, null),
        Arguments.of(ErrorCode.INVALID_TOKEN, 1, 5, 0.0, null),
        Arguments.of(ErrorCode.BANK_CREDENTIALS_INVALID, 1, 5, 0.0, null),
        // system: base 500 ms, 1 + 2 retries = 3 attempts
        Arguments.of(ErrorCode.DATABASE_ERROR, 1, 5, 0.0, 500L),
        Arguments.of(ErrorCode.DATABASE_ERROR, 2, 5, 0.0, 1000L),
        Arguments.of(ErrorCode.DATABASE_ERROR, 3, 5, 0.0, null),
        Arguments.of(ErrorCode.INTERNAL_SERVER_ERROR, 1, 5, 0.999, 624L),
        // external_dependency: base 1000 ms, 1 + 3 retries = 4 attempts
        Arguments.of(ErrorCode.BANK_API_ERROR, 1, 5, 0.0, 1000L),
        Arguments.of(ErrorCode.BANK_API_ERROR, 2, 5, 0.0, 2000L),
        Arguments.of(ErrorCode.TIMEOUT, 3, 5, 0.0, 4000L),
        Arguments.of(ErrorCode.TIMEOUT, 4, 5, 0.0, null),
        Arguments.of(ErrorCode.SERVICE_UNAVAILABLE, 2, 5, 1.0, 2500L),
        // the job's own max_attempts is lower than the catalog's
        Arguments.of(ErrorCode.BANK_API_ERROR, 2, 2, 0.0, null),
        Arguments.of(ErrorCode.DATABASE_ERROR, 1, 1, 0.0, null));
  }

  @ParameterizedTest(name = "{0} attempt {1}/{2} jitter {3} -> {4}")
  @MethodSource("cases")
  void decides_by_catalog_category(ErrorCode code, int attempt, int max, double jitter, Long expectedDelay) {
    RetryPolicy.Decision d = RetryPolicy.decide(code, attempt, max, jitter);
    if (expectedDelay == null) {
      assertThat(d).isInstanceOf(RetryPolicy.Dead.class);
    } else {
      assertThat(d).isEqualTo(new RetryPolicy.Retry(expectedDelay));
    }
  }

  @org.junit.jupiter.api.Test
  void delay_is_capped_at_one_hour() {
    assertThat(RetryPolicy.delayMs(1000, 40, 1.0)).isEqualTo(RetryPolicy.MAX_DELAY_MS);
  }
}
