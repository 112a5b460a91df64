package com.ledger.payments.api;

/**
 * The internal bus contract by which banksync hands synced bank data to the ledger (DESIGN.md: banksync hands
 * synced accounts/transactions to payments by message). Request/reply on {@link #ADDRESS}:
 * <pre>
 * request  {login_id, user_id,
 *           accounts: [{external_account_id, account_name, account_type, currency, balance ("250.00"), last_four,
 *                       status, transactions: [{external_transaction_id, description, amount ("50.00"),
 *                                               direction (CREDIT|DEBIT), posted_at (RFC 3339)}]}]}
 * reply    {accounts_synced, accounts_created, transactions_imported, accounts_skipped}
 * </pre>
 * Idempotent: accounts are upserted by external_account_id under the login (new ones take the reported balance,
 * existing ones refresh name/last_four/status/last_sync_at and keep their local balance); transactions are inserted
 * once per (account, external_transaction_id). Balances are never changed by an import. A login deleted meanwhile
 * fails the request with {@code account_not_found}.
 */
public final class SyncImportApi {
  public static final String ADDRESS = "payments.import-synced";

  private SyncImportApi() {}
}
