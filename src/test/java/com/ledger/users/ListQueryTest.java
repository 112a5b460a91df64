package com.ledger.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.paging.KeysetCursor;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC.md §2.1 paging and §2.3 sort/cursor parsing. */
class ListQueryTest {
  @ParameterizedTest(name = "sort {0} → {1}")
  @CsvSource(nullValues = "NULL", delimiter = '|', value = {
      "NULL|inserted_at DESC, id DESC",
      "''|inserted_at DESC, id DESC",
      "email|email ASC, id ASC",
      "email:asc|email ASC, id ASC",
      "email:desc|email DESC, id DESC",
      "EMAIL:DESC|email DESC, id DESC",
      "email:sideways|email ASC, id ASC",
      "created_at:desc|inserted_at DESC, id DESC",
      "created_at,inserted_at:desc|inserted_at ASC, id ASC",
      "role:desc,full_name|role DESC, full_name ASC, id DESC",
      "status, updated_at:desc|status ASC, updated_at DESC, id ASC",
      "password_hash|inserted_at DESC, id DESC",
      "id:desc|inserted_at DESC, id DESC",
      "email;DROP TABLE users|inserted_at DESC, id DESC",
      "nope:desc,email|email ASC, id ASC"})
  void sort_whitelist(String raw, String expected) {
    assertThat(ListQuery.orderBy(raw)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "malformed cursor {0} is ignored")
  @NullSource
  @ValueSource(strings = {"", "garbage", "[]", "{}", "{\"inserted_at\":\"2025-01-01T00:00:00Z\"}",
      "{\"inserted_at\":\"yesterday\",\"id\":\"0b6f1f8e-3c1a-4a57-9a39-2b2e6f0d9c11\"}",
      "{\"inserted_at\":\"2025-01-01T00:00:00Z\",\"id\":\"not-a-uuid\"}",
      "{\"inserted_at\":5,\"id\":\"0b6f1f8e-3c1a-4a57-9a39-2b2e6f0d9c11\"}"})
  void malformed_cursor(String raw) {
    assertThat(ListQuery.cursor(raw)).isNull();
  }

  @ParameterizedTest(name = "cursor {0}")
  @ValueSource(strings = {"{\"inserted_at\":\"2025-10-10T12:00:00Z\",\"id\":\"0b6f1f8e-3c1a-4a57-9a39-2b2e6f0d9c11\"}",
      "{\"id\":\"0b6f1f8e-3c1a-4a57-9a39-2b2e6f0d9c11\",\"inserted_at\":\"2025-10-10T14:00:00+02:00\",\"x\":1}"})
  void valid_cursor(String raw) {
    KeysetCursor c = ListQuery.cursor(raw);
    assertThat(c.id()).isEqualTo(UUID.fromString("0b6f1f8e-3c1a-4a57-9a39-2b2e6f0d9c11"));
    assertThat(c.at().toInstant()).isEqualTo(OffsetDateTime.parse("2025-10-10T12:00:00Z").toInstant());
  }

}
