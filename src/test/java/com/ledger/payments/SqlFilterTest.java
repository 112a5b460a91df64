package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SqlFilterTest {
  private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000001");

  @Test
  void only_the_filters_set_appear_numbered_in_order() {
    SqlFilter f = SqlFilter.where("user_id = ?", ID).and("direction = ?", (Object) null).and("status = ?", "PENDING");
    String limit = f.bind(20);
    assertThat(f.sql() + " LIMIT " + limit).isEqualTo(" WHERE user_id = $1 AND status = $2 LIMIT $3");
    assertThat(f.params().size()).isEqualTo(3);
    assertThat(f.params().getValue(0)).isEqualTo(ID);
    assertThat(f.params().getValue(1)).isEqualTo("PENDING");
    assertThat(f.params().getValue(2)).isEqualTo(20);
  }

  @Test
  void a_fragment_with_several_values_is_all_or_nothing() {
    OffsetDateTime at = OffsetDateTime.parse("2024-01-01T00:00:00Z");
    assertThat(SqlFilter.where("account_id = ?", ID).and("(posted_at, id) < (?, ?)", at, ID).sql())
        .isEqualTo(" WHERE account_id = $1 AND (posted_at, id) < ($2, $3)");
    assertThat(SqlFilter.where("account_id = ?", ID).and("(posted_at, id) < (?, ?)", null, null).sql())
        .isEqualTo(" WHERE account_id = $1");
  }

  @Test
  void the_payments_list_without_filters_reads_the_counters_and_with_one_counts_rows() {
    var none = new PaymentRepository.Filter(ID, null, null, null, null, null);
    assertThat(PaymentRepository.countQuery(none).sql()).contains("payments.user_payment_counts");
    var one = new PaymentRepository.Filter(ID, null, null, "DEPOSIT", null, null);
    assertThat(PaymentRepository.countQuery(one).sql())
        .isEqualTo("SELECT count(*) AS n FROM payments.user_payments WHERE user_id = $1 AND payment_type = $2");
    assertThat(PaymentRepository.listQuery(one, 20, 40).sql()).isEqualTo("SELECT * FROM payments.user_payments"
        + " WHERE user_id = $1 AND payment_type = $2 ORDER BY inserted_at DESC, id DESC LIMIT $3 OFFSET $4");
    assertThat(PaymentRepository.listQuery(one, 20, 40).params().getValue(3)).isEqualTo(40L);
  }
}
