package com.ledger.payments;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Money on the wire: a JSON string with exactly two decimals ({@code "100.00"}). Never a double. */
final class Money {
  private Money() {}

  static String format(BigDecimal v) {
    return v == null ? null : v.setScale(2, RoundingMode.UNNECESSARY).toPlainString();
  }
}
