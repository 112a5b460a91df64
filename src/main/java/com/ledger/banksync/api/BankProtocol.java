package com.ledger.banksync.api;

/**
 * The bank HTTP protocol of SPEC.md §8.2 as both sides speak it (our bank client and the sandbox bank server):
 * OAuth2 token endpoint (form posts), Monzo-style {@code GET /accounts} and {@code GET /transactions}.
 *
 * <p>Besides the bearer token, the client sends a few <em>context headers</em> on data calls. A real bank ignores
 * them; the sandbox bank derives its deterministic data from them (account id from the login id, posted_at from the
 * login's creation time, currency from the bank's country, the account name from the bank's name) and uses the sync id
 * to fail "the first GET /accounts of each sync" of a {@code flaky…} login. None of them is a secret.
 */
public final class BankProtocol {
  public static final String TOKEN_PATH = "/oauth2/token";
  public static final String ACCOUNTS_PATH = "/accounts";
  public static final String TRANSACTIONS_PATH = "/transactions";

  public static final String H_LOGIN_ID = "X-Ledger-Login-Id";
  public static final String H_LOGIN_CREATED = "X-Ledger-Login-Created-At";
  public static final String H_BANK_NAME = "X-Ledger-Bank-Name";
  public static final String H_BANK_COUNTRY = "X-Ledger-Bank-Country";
  public static final String H_SYNC_ID = "X-Ledger-Sync-Id";

  private BankProtocol() {}
}
