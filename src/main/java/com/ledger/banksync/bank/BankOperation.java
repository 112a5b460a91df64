package com.ledger.banksync.bank;

/** The bank calls, as metric tags and for mapping a 4xx answer to a reason. */
public enum BankOperation {
  PASSWORD_GRANT("password_grant", true),
  REFRESH("refresh", true),
  ACCOUNTS("accounts", false),
  TRANSACTIONS("transactions", false);

  public final String tag;
  public final boolean tokenCall;

  BankOperation(String tag, boolean tokenCall) {
    this.tag = tag;
    this.tokenCall = tokenCall;
  }
}
