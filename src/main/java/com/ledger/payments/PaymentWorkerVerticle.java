package com.ledger.payments;

import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.config.PaymentsConfig;
import com.ledger.platform.jobs.JobRunnerVerticle;
import com.ledger.platform.jobs.JobsConfig;
import com.ledger.platform.observability.NodeState;
import java.util.List;

/**
 * Role {@code payment-worker}: runs the {@code payments} queue on this node with the configured concurrency
 * ({@code jobs.queues}, default {@code payments:2}). Needs no HTTP and no other role on the node.
 */
public final class PaymentWorkerVerticle extends JobRunnerVerticle {
  public PaymentWorkerVerticle(JobsConfig jobs, DbConfig db, String nodeName, NodeState node, PaymentsConfig payments) {
    super(jobs, db, nodeName, node, PaymentsApi.QUEUE, (vertx, pool) -> List.of(new PaymentWorker(payments)));
  }
}
