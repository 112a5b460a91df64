package com.ledger.platform.bus;

import io.vertx.core.eventbus.DeliveryOptions;

/** Event-bus conventions shared by every context. */
public final class Bus {
  public static final String CORRELATION_HEADER = "x-correlation-id";

  private Bus() {}

  public static DeliveryOptions options(String correlationId, long timeoutMs) {
    DeliveryOptions o = new DeliveryOptions().setSendTimeout(timeoutMs);
    if (correlationId != null) o.addHeader(CORRELATION_HEADER, correlationId);
    return o;
  }
}
