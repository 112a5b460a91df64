package com.ledger.banksync.bank;

import java.time.Instant;

/** What the bank's token endpoint granted. Never logged, never serialized to an API response. */
public record BankTokens(String accessToken, String refreshToken, Instant expiresAt, String scope, String providerUserId) {
  @Override
  public String toString() {
    return "BankTokens[expiresAt=" + expiresAt + ", scope=" + scope + "]";
  }
}
