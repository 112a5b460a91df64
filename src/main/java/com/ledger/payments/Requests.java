package com.ledger.payments;

import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import java.util.Locale;
import java.util.UUID;

/** Reading an {@link ApiRequest} at the context's door. */
final class Requests {
  private Requests() {}

  static Caller caller(ApiRequest req) {
    return req.caller().orElseThrow(() -> new LedgerException(ErrorCode.INVALID_TOKEN, "Authentication required"));
  }

  static UUID callerId(Caller c) {
    return UUID.fromString(c.userId());
  }

  /** The path id: {@link ApiRequest#pathId()}. */
  static UUID pathId(ApiRequest req) {
    return req.pathId();
  }

  /** {@code Prefer: respond-async} (RFC 7240; other preferences may accompany it). */
  static boolean prefersAsync(String prefer) {
    if (prefer == null) return false;
    for (String part : prefer.split("[,;]")) {
      if (part.trim().toLowerCase(Locale.ROOT).equals("respond-async")) return true;
    }
    return false;
  }
}
