package com.ledger.platform.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The SQL of the job store ({@code jobs.jobs}): all of it, except the two statements of the payments slice that
 * enqueue or complete jobs inside the statement that changes the payment, in one round trip
 * ({@code PaymentRepository.ACCEPT} and {@code POST_JOBS}), and the reconciliation read that joins a run to its job
 * ({@code ReconciliationRepository.GET_SETTLED}). Stateless; every method takes the client to run on, so it works
 * inside a caller's transaction or on the pool. Transitions out of {@code executing} are fenced by
 * (id, attempt, state) and are only issued while the caller holds the row (see {@link #fence} / {@link #lockExpired}).
 */
final class JobStore {
  private static final String WAITING = "('available','scheduled','retryable')";

  /** jobs.enqueue (jobs/V2): the uniqueness window under an advisory lock, then the insert — one round trip. */
  private static final String ENQUEUE = """
      SELECT e.duplicate, (e.job).* FROM jobs.enqueue($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) e""";

  /**
   * jobs.claim (jobs/V4): the next waiting jobs of the queue by priority, then due time, FOR UPDATE SKIP LOCKED, moved
   * to executing with this runner's lease — read in jobs_claim_index order whatever the statistics say.
   */
  private static final String CLAIM = "SELECT * FROM jobs.claim($1, $2, $3, $4, $5)";

  private static final String FENCE = "SELECT id FROM jobs.lock_owned($1, $2, $3)";

  // jobs/V8: the rescue, heartbeat, release and node expiry as functions planned on every call (a plan kept from an
  // idle node's empty table read the whole table, per row for the sub-selects); same statements as before.
  private static final String LOCK_EXPIRED = "SELECT * FROM jobs.lock_expired($1, $2)";

  private static final String COMPLETE = "SELECT jobs.complete_all($1, $2, $3) AS n";

  // The statements below name their jobs by id and compare the state as an expression (state || ''), which no
  // index answers: with statistics taken while few jobs were executing, state = 'executing' made the planner read
  // jobs_state_inserted_at_index's whole executing range (every runner's jobs, plus dead versions until VACUUM)
  // instead of probing the primary key (jobs/V6 has the measurements).

  private static final String RETRY_LATER = """
      UPDATE jobs.jobs SET state = 'retryable', scheduled_at = $3, errors = errors || jsonb_build_array($4::jsonb),
             locked_by = NULL, lease_until = NULL
      WHERE id = $1 AND attempt = $2 AND state || '' = 'executing'""";

  /** Not attempted (a dependency refused the call): back to the queue for later with the attempt given back. */
  private static final String DEFER = """
      UPDATE jobs.jobs SET state = 'retryable', scheduled_at = $3, errors = errors || jsonb_build_array($4::jsonb),
             attempt = attempt - 1, locked_by = NULL, lease_until = NULL
      WHERE id = $1 AND attempt = $2 AND state || '' = 'executing'""";

  private static final String DEAD = """
      UPDATE jobs.jobs SET state = 'dead', dead_at = date_trunc('second', now()),
             errors = errors || jsonb_build_array($3::jsonb), locked_by = NULL, lease_until = NULL
      WHERE id = $1 AND attempt = $2 AND state || '' = 'executing'
      RETURNING *""";

  private static final String HEARTBEAT = "SELECT jobs.heartbeat($1, $2, $3) AS n";

  private static final String RELEASE = "SELECT jobs.release($1, $2) AS n";

  /** The leases of a node that left the cluster end now (rows its open transactions still hold are skipped). */
  private static final String EXPIRE_NODE = "SELECT jobs.expire_node($1, $2) AS n";
  private static final String HELD_BY_NODE = """
      SELECT count(*) AS n FROM jobs.jobs WHERE queue = $1 AND state = 'executing' AND locked_by LIKE $2
        AND lease_until >= now()""";

  private static final String DEPTH = "SELECT count(*) AS n FROM jobs.jobs WHERE queue = $1 AND state IN " + WAITING;

  /** Per queue: jobs due and not claimed, the age of the oldest of them, jobs claimed, dead letters (every node). */
  private static final String QUEUE_STATS = """
      SELECT queue,
             count(*) FILTER (WHERE state IN ('available','scheduled','retryable') AND scheduled_at <= now()) AS waiting,
             coalesce(extract(epoch FROM now() - min(scheduled_at)
                 FILTER (WHERE state IN ('available','scheduled','retryable') AND scheduled_at <= now())), 0)::float8
                 AS oldest_s,
             count(*) FILTER (WHERE state = 'executing') AS claimed,
             count(*) FILTER (WHERE state = 'dead') AS dead
      FROM jobs.jobs WHERE state IN ('available','scheduled','retryable','executing','dead')
      GROUP BY queue""";

  private static final String PRUNE = """
      DELETE FROM jobs.jobs
      WHERE state IN ('completed','dead','cancelled')
        AND COALESCE(completed_at, dead_at, cancelled_at, inserted_at) < now() - $1::int * interval '1 day'""";

  private static final String VACUUM = "VACUUM (SKIP_LOCKED) jobs.jobs";

  private static final String GET = "SELECT * FROM jobs.jobs WHERE id = $1";
  /** jobs/V9: planned per call, like the runner's other statements (a plan kept from an empty table read it all). */
  private static final String GET_ALL = "SELECT * FROM jobs.get_all($1)";
  private static final String GET_FOR_UPDATE = "SELECT * FROM jobs.jobs WHERE id = $1 FOR UPDATE";

  private static final String REQUEUE = """
      UPDATE jobs.jobs SET state = 'available', attempt = 0, scheduled_at = date_trunc('second', now()),
             dead_at = NULL, locked_by = NULL, lease_until = NULL
      WHERE id = $1 RETURNING *""";

  /**
   * The latest job of a worker for a unique key ({@code {id, state}}; a payment's: PaymentWorker and the payment's
   * id): one range of {@code (worker, unique_key, inserted_at)}, the index the uniqueness window reads (jobs/V10).
   */
  private static final String LATEST_BY_KEY = """
      SELECT id, state FROM jobs.jobs WHERE worker = $1 AND unique_key = $2
      ORDER BY inserted_at DESC, id DESC LIMIT 1""";

  /** Cancel the waiting (not yet started) jobs of one worker for one bank login. */
  private static final String CANCEL_WAITING_FOR_LOGIN = """
      UPDATE jobs.jobs SET state = 'cancelled', cancelled_at = date_trunc('second', now()), locked_by = NULL,
             lease_until = NULL
      WHERE worker = $1 AND (args ->> 'login_id') = $2 AND state IN ('available','scheduled','retryable')""";

  private static final String FILTER = """
      WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR queue = $2) AND ($3::text IS NULL OR worker = $3)""";
  private static final String LIST = "SELECT * FROM jobs.jobs " + FILTER
      + " ORDER BY inserted_at DESC, id DESC LIMIT $4 OFFSET $5";
  private static final String COUNT = "SELECT count(*) AS n FROM jobs.jobs " + FILTER;

  Future<Enqueued> enqueue(SqlClient tx, JobSpec s) {
    Instant at = s.scheduledAt() == null ? null : ceilSecond(s.scheduledAt());
    Tuple t = Tuple.tuple().addString(s.worker()).addString(s.queue()).addValue(s.args()).addString(s.uniqueKey())
        .addInteger(s.unique() ? s.uniqueSeconds() : 0).addInteger(s.priority()).addInteger(s.maxAttempts())
        .addInteger(s.timeoutSeconds()).addUUID(s.userId())
        .addOffsetDateTime(at == null ? null : at.atOffset(ZoneOffset.UTC));
    return tx.preparedQuery(ENQUEUE).execute(t).map(rows -> {
      Row r = rows.iterator().next();
      return new Enqueued(Job.from(r), r.getBoolean("duplicate"));
    });
  }

  Future<List<Job>> claim(SqlClient db, String queue, String[] workers, int limit, String runnerId,
      int leaseSeconds) {
    return db.preparedQuery(CLAIM).execute(Tuple.of(queue, workers, limit, runnerId, leaseSeconds))
        .map(JobStore::jobs);
  }

  /** Lock the job row if this runner still owns the attempt; false when the lease was lost. */
  Future<Boolean> fence(SqlClient tx, Job job, String runnerId) {
    return tx.preparedQuery(FENCE).execute(Tuple.of(new UUID[] {job.id()}, new Integer[] {job.attempt()}, runnerId))
        .map(rows -> rows.size() == 1);
  }

  /** Lock one job of the queue whose lease has expired (its runner is gone or hung), if any. */
  Future<Optional<Job>> lockExpired(SqlClient tx, String queue, String[] workers) {
    return tx.preparedQuery(LOCK_EXPIRED).execute(Tuple.of(queue, (Object) workers))
        .map(rows -> rows.size() == 0 ? Optional.<Job>empty() : Optional.of(Job.from(rows.iterator().next())));
  }

  Future<Boolean> complete(SqlClient tx, Job job, JsonObject result) {
    return tx.preparedQuery(COMPLETE)
        .execute(Tuple.of(new UUID[] {job.id()}, new Integer[] {job.attempt()}, new JsonObject[] {result}))
        .map(rows -> rows.iterator().next().getInteger("n") == 1);
  }

  Future<Void> defer(SqlClient tx, Job job, JobError error, Instant at) {
    return tx.preparedQuery(DEFER).execute(Tuple.of(job.id(), job.attempt(), ceilSecond(at).atOffset(ZoneOffset.UTC), error.toJson()))
        .mapEmpty();
  }

  Future<Void> retryLater(SqlClient tx, Job job, JobError error, Instant at) {
    return tx.preparedQuery(RETRY_LATER)
        .execute(Tuple.of(job.id(), job.attempt(), ceilSecond(at).atOffset(ZoneOffset.UTC), error.toJson()))
        .mapEmpty();
  }

  Future<Job> dead(SqlClient tx, Job job, JobError error) {
    return tx.preparedQuery(DEAD).execute(Tuple.of(job.id(), job.attempt(), error.toJson()))
        .map(rows -> rows.size() == 0 ? null : Job.from(rows.iterator().next()));
  }

  Future<Integer> heartbeat(SqlClient db, List<UUID> ids, String runnerId, int leaseSeconds) {
    return db.preparedQuery(HEARTBEAT).execute(Tuple.of(ids.toArray(UUID[]::new), runnerId, leaseSeconds))
        .map(JobStore::count);
  }

  Future<Integer> release(SqlClient db, List<UUID> ids, String runnerId) {
    return db.preparedQuery(RELEASE).execute(Tuple.of(ids.toArray(UUID[]::new), runnerId)).map(JobStore::count);
  }

  /** The {@code n} a jobs/V8 function answers: how many rows it changed. */
  private static int count(RowSet<Row> rows) {
    return rows.iterator().next().getInteger("n");
  }

  /** End the leases of every runner whose id ends with {@code @<nodeId>}; answers how many, and how many are left. */
  Future<int[]> expireNode(SqlClient db, String queue, String nodeId) {
    String like = "%@" + nodeId.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    return db.preparedQuery(EXPIRE_NODE).execute(Tuple.of(queue, like)).compose(done ->
        db.preparedQuery(HELD_BY_NODE).execute(Tuple.of(queue, like))
            .map(left -> new int[] {count(done), left.iterator().next().getLong("n").intValue()}));
  }

  Future<Long> depth(SqlClient db, String queue) {
    return db.preparedQuery(DEPTH).execute(Tuple.of(queue)).map(rows -> rows.iterator().next().getLong("n"));
  }

  Future<Map<String, JobsOverviewVerticle.QueueStats>> queueStats(SqlClient db) {
    return db.query(QUEUE_STATS).execute().map(rows -> {
      Map<String, JobsOverviewVerticle.QueueStats> out = new HashMap<>();
      for (Row r : rows) {
        out.put(r.getString("queue"), new JobsOverviewVerticle.QueueStats(r.getLong("waiting"), r.getDouble("oldest_s"),
            r.getLong("claimed"), r.getLong("dead")));
      }
      return out;
    });
  }

  Future<Integer> prune(SqlClient db, int days) {
    return db.preparedQuery(PRUNE).execute(Tuple.of(days)).map(RowSet::rowCount);
  }

  /** VACUUM of the jobs table (not in a transaction: the pool's plain query); see {@link JobsMaintenanceVerticle}. */
  Future<Void> vacuum(SqlClient db) {
    return db.query(VACUUM).execute().mapEmpty();
  }

  Future<Optional<Job>> get(SqlClient db, UUID id) {
    return db.preparedQuery(GET).execute(Tuple.of(id)).map(JobStore::first);
  }

  /** The given jobs as they are now, in no particular order. */
  Future<List<Job>> getAll(SqlClient db, List<UUID> ids) {
    return db.preparedQuery(GET_ALL).execute(Tuple.of(ids.toArray(UUID[]::new))).map(JobStore::jobs);
  }

  Future<Optional<Job>> getForUpdate(SqlClient tx, UUID id) {
    return tx.preparedQuery(GET_FOR_UPDATE).execute(Tuple.of(id)).map(JobStore::first);
  }

  Future<Job> requeue(SqlClient tx, UUID id) {
    return tx.preparedQuery(REQUEUE).execute(Tuple.of(id)).map(rows -> Job.from(rows.iterator().next()));
  }

  Future<List<Job>> list(SqlClient db, String state, String queue, String worker, int limit, long offset) {
    return db.preparedQuery(LIST).execute(Tuple.of(state, queue, worker, limit, offset)).map(JobStore::jobs);
  }

  Future<Long> count(SqlClient db, String state, String queue, String worker) {
    return db.preparedQuery(COUNT).execute(Tuple.of(state, queue, worker)).map(rows -> rows.iterator().next().getLong("n"));
  }

  /** {@code {id, state}} of the latest job of {@code worker} with the unique key {@code key}, or null. */
  Future<JsonObject> latest(SqlClient db, String worker, String key) {
    return db.preparedQuery(LATEST_BY_KEY).execute(Tuple.of(worker, key)).map(rows -> {
      if (rows.size() == 0) return null;
      Row r = rows.iterator().next();
      return new JsonObject().put("id", r.getUUID("id").toString()).put("state", r.getString("state"));
    });
  }

  Future<Integer> cancelWaitingForLogin(SqlClient tx, String worker, String loginId) {
    return tx.preparedQuery(CANCEL_WAITING_FOR_LOGIN).execute(Tuple.of(worker, loginId)).map(RowSet::rowCount);
  }

  private static Optional<Job> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(Job.from(rows.iterator().next()));
  }

  private static List<Job> jobs(RowSet<Row> rows) {
    List<Job> out = new ArrayList<>(rows.size());
    for (Row r : rows) out.add(Job.from(r));
    return out;
  }

  /** Timestamps are whole seconds in the database: round a due time up so a delay is never shortened. */
  static Instant ceilSecond(Instant t) {
    Instant s = t.truncatedTo(ChronoUnit.SECONDS);
    return s.equals(t) ? s : s.plusSeconds(1);
  }
}
