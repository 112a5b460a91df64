package com.ledger.payments.api;

import java.util.List;

/** Event-bus addresses of the payments context (= operationIds of openapi.yaml) and its worker/queue names. */
public final class PaymentsApi {
  /** The address namespaces this context owns (ArchitectureTest: no other api package declares one of them). */
  public static final List<String> ADDRESS_PREFIXES = List.of("payments.", "accounts.", "ledger.", "reconciliations.");

  public static final String CREATE = "payments.create";
  public static final String VALIDATE = "payments.validate";
  public static final String LIST = "payments.list";
  public static final String GET = "payments.get";
  public static final String STATUS = "payments.status";
  public static final String STATS = "payments.stats";
  public static final String PROCESS = "payments.process";
  public static final String PROCESS_ASYNC = "payments.process-async";
  public static final String CANCEL = "payments.cancel";
  public static final String ACCOUNTS_LIST = "accounts.list";
  public static final String ACCOUNTS_GET = "accounts.get";
  public static final String ACCOUNTS_TRANSACTIONS = "accounts.transactions";
  public static final String ACCOUNTS_BALANCE = "accounts.balance";
  public static final String LEDGER_VERIFY = "ledger.verify";
  public static final String RECONCILIATIONS_CREATE = "reconciliations.create";
  public static final String RECONCILIATIONS_GET = "reconciliations.get";
  /**
   * Internal (payments role): compare a bank's view of a login with what was imported from it and record the
   * reconciliation's outcome. Message {@code {reconciliation_id, login_id, since, accounts: [{external_account_id,
   * currency, balance, transactions: [{external_transaction_id, amount, direction, posted_at, …}]}]}} (the bank's
   * accounts as fetched, transactions posted at or after {@code since}); reply the outcome.
   */
  public static final String RECONCILE = "payments.reconcile";
  /** The job worker that fetches the bank side of a reconciliation (banking queue). */
  public static final String RECONCILIATION_WORKER = "ReconciliationWorker";

  /** The job worker that posts payments asynchronously, and its queue. */
  public static final String WORKER = "PaymentWorker";
  public static final String QUEUE = "payments";

  private PaymentsApi() {}
}
