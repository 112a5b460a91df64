package com.ledger.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.jobs.api.JobsApi;
import com.ledger.support.BusTier;
import com.ledger.support.Poll;
import com.ledger.support.TestUsers;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job routes alone over the bus (the middle tier), with a {@link RetryGuard} of the test's own: the admin retry
 * runs the worker's guard in the transaction that re-queues the dead job, and wakes the job's queue once it committed.
 */
class JobsApiVerticleBusTest {
  static final String WORKER = "GuardedWorker";
  static final String PRIORITY = "UPDATE jobs.jobs SET priority = $1 WHERE id = $2";
  static BusTier jobs;
  static TestUsers.User admin;

  /** Refuses, throws, or allows by the job's {@code args.verdict}; an allowed retry marks its run in the same transaction. */
  static final RetryGuard GUARD = (job, tx) -> switch (job.args().getString("verdict")) {
    case "refuse" -> LedgerException.fail(ErrorCode.JOB_NOT_RETRYABLE, "The guard refuses");
    case "explode" -> tx.preparedQuery(PRIORITY).execute(Tuple.of(9, job.id()))
        .compose(r -> Future.failedFuture(new IllegalStateException("guard broke after writing")));
    default -> tx.preparedQuery(PRIORITY).execute(Tuple.of(7, job.id())).mapEmpty();
  };

  @BeforeAll
  static void deploy() {
    jobs = BusTier.deploy(cfg -> new JobsApiVerticle(cfg.db(), Map.of(WORKER, GUARD)));
    admin = TestUsers.insert(jobs.vertx, jobs.cfg.jwt(), jobs.cfg.db().url(), "admin");
  }

  @AfterAll
  static void close() {
    jobs.close();
  }

  private static String deadJob(String queue, String verdict) {
    return jobs.db.string("INSERT INTO jobs.jobs (worker, queue, state, args, attempt, dead_at, errors) VALUES (?, ?, "
        + "'dead', jsonb_build_object('verdict', ?::text), 3, now(), '[{\"reason\":\"timeout\"}]'::jsonb) RETURNING id",
        WORKER, queue, verdict);
  }

  private static ApiReply retry(String id) {
    return jobs.send(BusTier.request(JobsApi.ADMIN_RETRY, BusTier.claims(admin), new JsonObject().put("id", id), null,
        null));
  }

  private static String row(String id) {
    return jobs.db.string("SELECT state || ':' || attempt || ':' || priority FROM jobs.jobs WHERE id = ?::uuid", id);
  }

  /** Wake-ups published on the queue's address (cluster-wide in production; this plain Vert.x sees its own). */
  private static AtomicInteger wakes(String queue) {
    AtomicInteger n = new AtomicInteger();
    MessageConsumer<Object> c = jobs.vertx.eventBus().consumer(Jobs.wakeAddress(queue), m -> n.incrementAndGet());
    c.completion().await();
    return n;
  }

  private static String queue() {
    return "q" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  @Test
  void an_allowed_retry_requeues_with_the_guards_write_and_wakes_the_queue() {
    String q = queue();
    AtomicInteger woken = wakes(q);
    String id = deadJob(q, "allow");
    ApiReply r = retry(id);
    assertThat(r.status()).isEqualTo(202);
    JsonObject job = (JsonObject) r.data();
    assertThat(job.getString("state")).isEqualTo("available");
    assertThat(job.getInteger("attempt")).isZero();
    assertThat(job.getInteger("priority")).as("the guard's write, in the requeue's transaction").isEqualTo(7);
    assertThat(job.getJsonArray("errors")).hasSize(1);
    Poll.until("the queue woken", Duration.ofSeconds(5), () -> woken.get() == 1);
  }

  @Test
  void a_refusing_guard_leaves_the_job_dead_and_the_queue_asleep() {
    String q = queue();
    AtomicInteger woken = wakes(q);
    String id = deadJob(q, "refuse");
    LedgerException e = catchThrowableOfType(LedgerException.class, () -> retry(id));
    assertThat(e.code).isEqualTo(ErrorCode.JOB_NOT_RETRYABLE);
    assertThat(e.getMessage()).isEqualTo("The guard refuses");
    assertThat(row(id)).isEqualTo("dead:3:0");
    Poll.holdsFor("no wake-up for a refused retry", Duration.ofMillis(300), () -> woken.get() == 0);
  }

  @Test
  void a_guard_that_fails_after_writing_rolls_its_write_back_with_the_requeue() {
    String id = deadJob(queue(), "explode");
    LedgerException e = catchThrowableOfType(LedgerException.class, () -> retry(id));
    assertThat(e.code).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR);
    assertThat(row(id)).isEqualTo("dead:3:0");
  }
}
