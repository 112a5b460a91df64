package com.ledger.platform.jobs;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A runner's rescue of the jobs of its queue whose lease expired (their runner died or hung): each one fails as a
 * {@code timeout} through the {@link JobFailures shared failure path}. It is per runner, not per node: only a runner
 * that knows a job's worker can run that worker's {@code onDead} when the rescue dead-letters the job. On a
 * Hazelcast cluster, a member that leaves has its leases ended at once instead of at their expiry.
 */
final class LeaseRescue {
  /** The runner's logger: these lines keep the logger name they always had. */
  private static final Logger LOG = LoggerFactory.getLogger(JobRunnerVerticle.class);
  private static final int BATCH = 50;

  private final Vertx vertx;
  private final Pool pool;
  private final JobStore store;
  private final String queue;
  private final Map<String, JobWorker> workers;
  private final String[] workerNames;
  private final JobFailures failures;
  private final int leaseSeconds;
  private boolean rescuing;
  private boolean again;
  private boolean stopped;
  private UUID membership;
  private HazelcastInstance membershipOf;

  LeaseRescue(Vertx vertx, Pool pool, JobStore store, String queue, Map<String, JobWorker> workers, JobFailures failures,
      int leaseSeconds) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = store;
    this.queue = queue;
    this.workers = workers;
    this.workerNames = workers.keySet().toArray(String[]::new);
    this.failures = failures;
    this.leaseSeconds = leaseSeconds;
  }

  /** The Hazelcast instance of a clustered node, else null. */
  static HazelcastInstance hazelcast(Vertx vertx) {
    if (!vertx.isClustered()) return null;
    return ((VertxInternal) vertx).clusterManager() instanceof HazelcastClusterManager h
        ? h.getHazelcastInstance() : null;
  }

  /** Rescue the jobs of members that leave the cluster as soon as they leave (on the calling context). */
  void watchMembers(HazelcastInstance hz) {
    Context ctx = vertx.getOrCreateContext();
    membership = hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {}

      @Override
      public void memberRemoved(MembershipEvent e) {
        String left = e.getMember().getUuid().toString();
        ctx.runOnContext(v -> nodeLeft(left, leaseSeconds));
      }
    });
    membershipOf = hz;
  }

  /** No rescue starts any more (one in flight finishes its current job). */
  void stop() {
    stopped = true;
    if (membership != null) {
      try {
        membershipOf.getCluster().removeMembershipListener(membership);
      } catch (RuntimeException ignored) {
        // Hazelcast already shut down
      }
    }
  }

  /** Rescue up to a batch of expired leases now (or once more after the rescue in flight). */
  void rescue() {
    if (stopped) return;
    if (rescuing) {
      again = true;
      return;
    }
    rescuing = true;
    again = false;
    next(BATCH).onComplete(ar -> {
      rescuing = false;
      if (again) rescue();
    });
  }

  private Future<Void> next(int budget) {
    if (budget <= 0 || stopped) return Future.succeededFuture();
    Promise<Boolean> found = Promise.promise();
    pool.withTransaction(tx -> store.lockExpired(tx, queue, workerNames).compose(expired -> {
      if (expired.isEmpty()) return Future.succeededFuture((JobFailures.Failure) null);
      Job job = expired.get();
      LOG.atWarn().addKeyValue("job", job.id()).addKeyValue("worker", job.worker())
          .addKeyValue("lostRunner", job.lockedBy()).addKeyValue("attempt", job.attempt()).log("job lease expired");
      JobFailures.Failure failure = JobFailures.leaseExpired(job);
      return failures.apply(tx, workers.get(job.worker()), failure).map(failure);
    })).onComplete(ar -> {
      if (ar.failed()) {
        LOG.atWarn().addKeyValue("queue", queue).addKeyValue("error", ar.cause().toString()).log("lease rescue failed");
      } else if (ar.result() != null) {
        failures.recorded(ar.result());
      }
      found.complete(ar.succeeded() && ar.result() != null);
    });
    return found.future().compose(more -> more ? next(budget - 1) : Future.succeededFuture());
  }

  /**
   * Cluster membership says a node is gone: its leases on this queue end now and its jobs are rescued at once
   * (completion stays fenced by runner and attempt, so a node that was only paused cannot complete them). Rows its
   * still-open transactions hold are retried each second; the lease remains the fallback (e.g. a split cluster).
   */
  private void nodeLeft(String nodeId, int passesLeft) {
    if (stopped || passesLeft <= 0) return;
    store.expireNode(pool, queue, nodeId).onComplete(ar -> {
      if (ar.failed()) {
        LOG.atWarn().addKeyValue("queue", queue).addKeyValue("member", nodeId).addKeyValue("error", ar.cause().toString())
            .log("could not end the leases of a departed member; they will expire");
        return;
      }
      int[] r = ar.result();
      if (r[0] > 0) {
        LOG.atInfo().addKeyValue("queue", queue).addKeyValue("member", nodeId).addKeyValue("jobs", r[0])
            .log("rescuing the jobs of a departed cluster member");
        rescue();
      }
      if (r[1] > 0) vertx.setTimer(1000, id -> nodeLeft(nodeId, passesLeft - 1));
    });
  }
}
