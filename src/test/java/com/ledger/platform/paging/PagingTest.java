package com.ledger.platform.paging;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SPEC.md §2.1 paging, shared by users, payments and jobs. */
class PagingTest {
  @ParameterizedTest(name = "page {0} → {1}")
  @CsvSource(nullValues = "NULL", value = {"NULL,1", "1,1", "7,7", "' 3 ',3", "0,1", "-2,1", "abc,1", "1.5,1",
      "'',1", "+4,4", "99999999999999,2147483647"})
  void page(String raw, int expected) {
    assertThat(Paging.page(raw)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "page_size {0} → {1}")
  @CsvSource(nullValues = "NULL", value = {"NULL,20", "1,1", "50,50", "100,100", "101,100", "1000,100",
      "99999999999,100", "0,20", "-5,20", "ten,20", "2.5,20", "'',20", "' 7 ',7"})
  void page_size_and_limit(String raw, int expected) {
    assertThat(Paging.pageSize(raw)).isEqualTo(expected);
  }

  @Test
  void offsets_never_overflow() {
    assertThat(Paging.offset(Integer.MAX_VALUE, 100)).isEqualTo((Integer.MAX_VALUE - 1L) * 100);
    assertThat(Paging.offset(1, 20)).isZero();
  }

  @ParameterizedTest(name = "{0} rows by {1} → {2} pages")
  @CsvSource({"0,20,0", "1,20,1", "20,20,1", "21,20,2", "100,100,1", "101,100,2"})
  void total_pages(long total, int size, long expected) {
    assertThat(Paging.totalPages(total, size)).isEqualTo(expected);
  }

  @Test
  void offset_metadata_with_navigation() {
    assertThat(Paging.offsetMetadata(2, 10, 25, true)).isEqualTo(new JsonObject().put("page", 2).put("page_size", 10)
        .put("total_count", 25L).put("total_pages", 3L).put("has_next", true).put("has_prev", true));
    assertThat(Paging.offsetMetadata(3, 10, 30, true).getBoolean("has_next")).isFalse();
    assertThat(Paging.offsetMetadata(1, 20, 0, false).fieldNames()).doesNotContain("has_next");
  }
}
