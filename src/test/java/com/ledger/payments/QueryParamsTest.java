package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryParamsTest {

  @Test
  void filters_normalize_or_fail_with_the_fields_reason() {
    assertThat(QueryParams.enumFilter(" debit ", "direction", PaymentInput.DIRECTIONS, ErrorCode.INVALID_DIRECTION))
        .isEqualTo("DEBIT");
    assertThat(QueryParams.enumFilter(null, "direction", PaymentInput.DIRECTIONS, ErrorCode.INVALID_DIRECTION)).isNull();
    LedgerException e = catchThrowableOfType(LedgerException.class,
        () -> QueryParams.enumFilter("DONE", "status", PaymentInput.STATUSES, ErrorCode.INVALID_STATUS));
    assertThat(e.code).isEqualTo(ErrorCode.INVALID_STATUS);
    assertThat(e.details.getString("field")).isEqualTo("status");
  }

  @Test
  void dates_need_an_offset() {
    assertThat(QueryParams.dateTime("2024-01-01T00:00:00Z", "date_from")).isNotNull();
    assertThat(QueryParams.dateTime("2024-01-01T02:00:00+02:00", "date_from").toInstant().toString())
        .isEqualTo("2024-01-01T00:00:00Z");
    assertThat(QueryParams.dateTime("2024-01-01T02:00:00 02:00", "date_from").toInstant().toString())
        .isEqualTo("2024-01-01T00:00:00Z");
    for (String bad : new String[] {"2024-01-01", "2024-01-01T00:00:00", "yesterday", ""}) {
      LedgerException e = catchThrowableOfType(LedgerException.class, () -> QueryParams.dateTime(bad, "date_to"));
      assertThat(e.code).as(bad).isEqualTo(ErrorCode.INVALID_DATETIME_FORMAT);
      assertThat(e.details.getString("field")).isEqualTo("date_to");
    }
  }

  @Test
  void malformed_cursors_mean_the_first_page() {
    assertThat(QueryParams.cursor(new JsonObject().put("posted_at", "2025-01-01T00:00:00Z")
        .put("id", "5d1c7a9e-8f5b-4c3d-a2e1-0f9b8c7d6e5a").encode())).isNotNull();
    for (String bad : new String[] {"", "x", "{}", "{\"posted_at\":\"nope\",\"id\":\"5d1c7a9e-8f5b-4c3d-a2e1-0f9b8c7d6e5a\"}",
        "{\"posted_at\":\"2025-01-01T00:00:00Z\",\"id\":\"zz\"}", "[1]"}) {
      assertThat(QueryParams.cursor(bad)).as(bad).isNull();
    }
  }

}
