package com.ledger.banksync.bank;

import com.ledger.banksync.api.BankProtocol;
import io.vertx.core.MultiMap;
import java.time.Instant;

/** The non-secret context headers of a data call (see {@link BankProtocol}). */
public record BankContext(String loginId, Instant loginCreatedAt, String bankName, String bankCountry, String syncId) {
  MultiMap headers() {
    MultiMap h = MultiMap.caseInsensitiveMultiMap()
        .add(BankProtocol.H_LOGIN_ID, loginId)
        .add(BankProtocol.H_LOGIN_CREATED, loginCreatedAt.toString())
        .add(BankProtocol.H_BANK_NAME, bankName == null ? "" : bankName)
        .add(BankProtocol.H_BANK_COUNTRY, bankCountry == null ? "" : bankCountry);
    if (syncId != null) h.add(BankProtocol.H_SYNC_ID, syncId);
    return h;
  }
}
