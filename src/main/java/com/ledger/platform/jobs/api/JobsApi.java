package com.ledger.platform.jobs.api;

import java.util.List;

/**
 * Event-bus addresses of the jobs API (operationIds of openapi.yaml), served by
 * {@link com.ledger.platform.jobs.JobsApiVerticle}; the queues' wake-up addresses ({@code jobs.<queue>.wake}) are
 * {@link com.ledger.platform.jobs.Jobs#wakeAddress}.
 */
public final class JobsApi {
  /** The address namespaces this package owns (ArchitectureTest: no other api package declares one of them). */
  public static final List<String> ADDRESS_PREFIXES = List.of("jobs.");

  public static final String GET = "jobs.get";
  public static final String ADMIN_LIST = "jobs.admin-list";
  public static final String ADMIN_RETRY = "jobs.admin-retry";

  private JobsApi() {}
}
