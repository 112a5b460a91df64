package com.ledger.banksync.api;

import java.util.List;

/** Event-bus addresses of the banksync context (operationIds of openapi.yaml plus internal ones). */
public final class BankSyncApi {
  /** The address namespaces this context owns (ArchitectureTest: no other api package declares one of them). */
  public static final List<String> ADDRESS_PREFIXES = List.of("banksync.", "webhooks.");

  public static final String BANKS_LIST = "banksync.banks-list";
  public static final String LOGINS_CREATE = "banksync.logins-create";
  public static final String LOGINS_LIST = "banksync.logins-list";
  public static final String LOGINS_DELETE = "banksync.logins-delete";
  public static final String SYNC_LOGIN = "banksync.sync-login";

  public static final String WEBHOOKS_LIST = "webhooks.list";
  public static final String WEBHOOKS_PROVIDER = "webhooks.provider";
  public static final String WEBHOOKS_PAYMENT_STATUS = "webhooks.payment-status";
  public static final String WEBHOOKS_BANK_SYNC = "webhooks.bank-sync";
  public static final String WEBHOOKS_FRAUD_DETECTION = "webhooks.fraud-detection";

  /** The durable job's worker name and queue (SPEC §7.2). */
  public static final String SYNC_WORKER = "BankSyncWorker";
  public static final String SYNC_QUEUE = "banking";

  private BankSyncApi() {}
}
