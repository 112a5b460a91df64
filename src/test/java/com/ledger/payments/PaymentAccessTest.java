package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.bus.Caller;
import java.math.BigDecimal;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PaymentAccessTest {
  static final UUID OWNER = UUID.randomUUID();

  static Caller caller(String who) {
    return switch (who) {
      case "owner" -> new Caller(OWNER.toString(), "user", "o@x.io", null, null);
      case "other" -> new Caller(UUID.randomUUID().toString(), "user", "x@x.io", null, null);
      case "admin" -> new Caller(UUID.randomUUID().toString(), "admin", "a@x.io", null, null);
      case "support" -> new Caller(UUID.randomUUID().toString(), "support", "s@x.io", null, null);
      default -> throw new IllegalArgumentException(who);
    };
  }

  static Payment payment(String status) {
    return new Payment(UUID.randomUUID(), new BigDecimal("1.00"), "DEBIT", "d", "PAYMENT", status, null, null,
        UUID.randomUUID(), OWNER, null, null, null);
  }

  @ParameterizedTest(name = "{0} on {1}: view={2} process={3} cancel={4}")
  @CsvSource({
      "owner,   PENDING,    true,  true,  true",
      "owner,   PROCESSING, true,  false, false",
      "owner,   COMPLETED,  true,  false, false",
      "owner,   FAILED,     true,  false, false",
      "admin,   PENDING,    true,  true,  true",
      "admin,   COMPLETED,  true,  true,  false",
      "admin,   CANCELLED,  true,  true,  false",
      "support, PENDING,    true,  false, true",
      "support, COMPLETED,  true,  false, false",
      "other,   PENDING,    false, false, false",
      "other,   COMPLETED,  false, false, false"})
  void policies(String who, String status, boolean view, boolean process, boolean cancel) {
    Caller c = caller(who);
    Payment p = payment(status);
    assertThat(PaymentAccess.canView(c, OWNER.toString())).isEqualTo(view);
    assertThat(PaymentAccess.canProcess(c, p)).isEqualTo(process);
    assertThat(PaymentAccess.canCancel(c, p)).isEqualTo(cancel);
  }
}
