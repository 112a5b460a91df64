package com.ledger.platform.jobs;

import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.bus.Replies;
import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.jobs.api.JobsApi;
import com.ledger.platform.paging.Paging;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.UUID;

/**
 * Serves the job routes (SPEC.md §2.6): {@code jobs.get} (owner, admin or support), {@code jobs.admin-list} and
 * {@code jobs.admin-retry} (admin; the HTTP edge already enforced the role). Worker-specific retry rules come in as
 * {@link RetryGuard}s keyed by worker name.
 */
public final class JobsApiVerticle extends VerticleBase {
  private final DbConfig db;
  private final Map<String, RetryGuard> guards;
  private final JobStore store = new JobStore();
  private Pool pool;

  public JobsApiVerticle(DbConfig db, Map<String, RetryGuard> guards) {
    this.db = db;
    this.guards = Map.copyOf(guards);
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, db);
    var bus = vertx.eventBus();
    return Future.all(
        bus.<JsonObject>consumer(JobsApi.GET, m -> Replies.api(m, this::get)).completion(),
        bus.<JsonObject>consumer(JobsApi.ADMIN_LIST, m -> Replies.api(m, this::list)).completion(),
        bus.<JsonObject>consumer(JobsApi.ADMIN_RETRY, m -> Replies.api(m, this::retry)).completion());
  }

  private Future<ApiReply> get(ApiRequest req) {
    Caller caller = req.caller().orElseThrow(() -> LedgerException.of(ErrorCode.INVALID_TOKEN));
    UUID id = req.pathId();
    return store.get(pool, id).map(found -> {
      Job job = found.orElseThrow(() -> new LedgerException(ErrorCode.JOB_NOT_FOUND, "Job not found"));
      boolean owner = job.userId() != null && job.userId().toString().equals(caller.userId());
      if (!(owner || caller.isAdmin() || caller.isSupport())) {
        throw new LedgerException(ErrorCode.INSUFFICIENT_PERMISSIONS, "You may not view this job");
      }
      return ApiReply.ok(job.toJson(), new JsonObject());
    });
  }

  private Future<ApiReply> list(ApiRequest req) {
    String rawState = req.queryParam("state");
    String state = null;
    if (rawState != null) {
      state = JobState.parse(rawState).orElseThrow(() -> LedgerException.field(ErrorCode.INVALID_STATUS, "state",
          "state must be one of " + String.join(", ", JobState.ALL)));
    }
    String queue = req.queryParam("queue");
    String worker = req.queryParam("worker");
    int page = Paging.page(req.queryParam("page"));
    int size = Paging.pageSize(req.queryParam("page_size"));
    String st = state;
    return Future.all(store.list(pool, st, queue, worker, size, (page - 1L) * size),
            store.count(pool, st, queue, worker))
        .map(all -> {
          JsonArray data = new JsonArray();
          for (Job j : all.<java.util.List<Job>>resultAt(0)) data.add(j.toJson());
          long total = all.<Long>resultAt(1);
          return ApiReply.ok(data, new JsonObject().put("pagination", Paging.offsetMetadata(page, size, total, false)));
        });
  }

  private Future<ApiReply> retry(ApiRequest req) {
    UUID id = req.pathId();
    return pool.withTransaction(tx -> store.getForUpdate(tx, id).compose(found -> {
      Job job = found.orElseThrow(() -> new LedgerException(ErrorCode.JOB_NOT_FOUND, "Job not found"));
      if (!JobState.DEAD.equals(job.state())) {
        return LedgerException.<Job>fail(ErrorCode.JOB_NOT_RETRYABLE,
            "Only dead jobs can be retried; this job is " + job.state());
      }
      RetryGuard guard = guards.get(job.worker());
      Future<Void> allowed = guard == null ? Future.succeededFuture() : guard.beforeRetry(job, tx);
      return allowed.compose(v -> store.requeue(tx, id));
    })).map(job -> {
      Jobs.wake(vertx, job.queue());
      return ApiReply.of(202, job.toJson(), new JsonObject().put("action", "retried"));
    });
  }

  @Override
  public Future<?> stop() {
    return pool.close();
  }
}
