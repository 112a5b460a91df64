package com.ledger.platform.jobs;

import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.observability.NodeState;
import io.vertx.core.Deployable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * How a node deploys its job runners, the same way for every worker role: one {@link JobRunnerVerticle} per queue
 * the node runs (its concurrency from {@code jobs.queues}) and, once per node when it runs any,
 * {@link JobsMaintenanceVerticle}. The {@code jobs} configuration reaches the runners from here.
 */
public final class JobRunners {
  private final JobsConfig cfg;
  private final DbConfig db;
  private final String nodeName;
  private final NodeState node;
  private final List<String> queues = new ArrayList<>();

  public JobRunners(JobsConfig cfg, DbConfig db, String nodeName, NodeState node) {
    this.cfg = cfg;
    this.db = db;
    this.nodeName = nodeName;
    this.node = node;
  }

  /** The runner of {@code queue} on this node, running the workers {@code workers} builds. */
  public Supplier<Deployable> runner(String queue, JobRunnerVerticle.WorkerFactory workers) {
    queues.add(queue);
    int concurrency = cfg.concurrency(queue);
    return () -> new JobRunnerVerticle(cfg, db, nodeName, node, queue, concurrency, workers);
  }

  /** Whether the node runs any job runner (then it deploys {@link #maintenance()} once). */
  public boolean any() {
    return !queues.isEmpty();
  }

  /** The node's job upkeep for the queues of the runners made so far. */
  public Supplier<Deployable> maintenance() {
    List<String> ran = List.copyOf(queues);
    return () -> new JobsMaintenanceVerticle(cfg, db, node, ran);
  }
}
