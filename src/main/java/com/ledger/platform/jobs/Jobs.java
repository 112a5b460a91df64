package com.ledger.platform.jobs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.util.UUID;

/**
 * Enqueueing from a context. Enqueue inside the transaction that writes the state the job belongs to, then wake the
 * queue after that transaction committed:
 * <pre>{@code
 * pool.withTransaction(tx -> repo.markProcessing(tx, id)
 *         .compose(p -> Jobs.enqueue(tx, JobSpec.of("PaymentWorker", "payments", args).withUnique(id, 60))))
 *     .onSuccess(e -> Jobs.wake(vertx, "payments"));
 * }</pre>
 * The table is the truth; the wake-up is only a hint (workers also poll).
 */
public final class Jobs {
  private static final JobStore STORE = new JobStore();

  private Jobs() {}

  /** The clustered address a queue's runners listen on: {@code jobs.<queue>.wake}. */
  public static String wakeAddress(String queue) {
    return "jobs." + queue + ".wake";
  }

  /**
   * Insert the job with {@code tx} (a transaction's connection: the job commits or rolls back with the caller's
   * writes). A unique spec returns the existing job of its window with {@code duplicate = true}; concurrent enqueues
   * of one key are serialised by a transaction-scoped advisory lock, so call it inside a transaction.
   */
  public static Future<Enqueued> enqueue(SqlClient tx, JobSpec spec) {
    return STORE.enqueue(tx, spec);
  }

  /**
   * Cancel the waiting (available, scheduled, retryable) jobs of {@code worker} for a bank login ({@code args.login_id}),
   * e.g. when the login is deleted (DELETE /bank-logins/{id} cancels its pending syncs, SPEC.md §2.6); returns how
   * many. Call it inside the deleting transaction. A job already executing is not touched: its worker finds the
   * login gone and fails non-retryably.
   */
  public static Future<Integer> cancelWaitingForLogin(SqlClient tx, String worker, UUID loginId) {
    return STORE.cancelWaitingForLogin(tx, worker, loginId.toString());
  }

  /**
   * {@code {id, state}} of the latest job of {@code worker} enqueued with the unique key {@code key} (e.g. a payment's
   * PaymentWorker job: its payment's id), or null when it has none.
   */
  public static Future<JsonObject> latest(SqlClient db, String worker, String key) {
    return STORE.latest(db, worker, key);
  }

  /** Tell every node's runners of {@code queue} to claim now (cluster-wide publish). */
  public static void wake(Vertx vertx, String queue) {
    vertx.eventBus().publish(wakeAddress(queue), null);
  }
}
