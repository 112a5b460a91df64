package com.ledger.payments;

import com.ledger.platform.config.PaymentsConfig;
import com.ledger.platform.jobs.JobRunnerVerticle.WorkerFactory;
import java.util.List;

/**
 * Role {@code payment-worker}: the workers of the {@code payments} queue, run on this node by the node's job runner
 * with the configured concurrency ({@code jobs.queues}, default {@code payments:2}). Needs no HTTP and no other role
 * on the node.
 */
public final class PaymentWorkers {
  private PaymentWorkers() {}

  public static WorkerFactory of(PaymentsConfig cfg) {
    return (vertx, pool) -> List.of(new PaymentWorker(new PaymentRepository(), cfg));
  }
}
