package com.ledger.payments;

import com.ledger.platform.config.PaymentsConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL for {@code payments.user_payments}, including the calls of the posting functions (migration payments/V3). */
final class PaymentRepository {
  private static final String INSERT = """
      INSERT INTO payments.user_payments (amount, direction, description, payment_type, status, user_bank_account_id, user_id)
      VALUES ($1, $2, $3, $4, 'PENDING', $5, $6)
      RETURNING *""";
  private static final String GET = "SELECT * FROM payments.user_payments WHERE id = $1";
  private static final String LOCK = "SELECT * FROM payments.user_payments WHERE id = $1 FOR UPDATE";
  /** Exact, from the per-user counters the database keeps (payments V4): a few rows, whatever the history. */
  private static final String COUNT_ALL =
      "SELECT COALESCE(sum(n), 0)::bigint AS n FROM payments.user_payment_counts WHERE user_id = $1";
  private static final String RECENT =
      "SELECT * FROM payments.user_payments WHERE user_id = $1 ORDER BY inserted_at DESC, id DESC LIMIT $2";

  /**
   * The facts the daily-limit and duplicate rules need, in one round trip — from the same functions the posting uses
   * (payments/V3): the running daily total and the duplicate lookup.
   */
  private static final String RULE_FACTS = """
      SELECT payments.daily_spent($1) AS spent_today, payments.is_duplicate($2, $3, $4, $5, $6, $7) AS duplicate""";

  /** The posting columns every posting function answers, then the payment row as it is after the call. */
  private static final String OUTCOME_COLUMNS =
      "(o).reason, (o).payment_status, (o).account_status, (o).account_type, (o).account_balance, (o).daily_spent, "
          + "((o).payment).*";

  /** POST /payments/{id}/process, synchronous: checks, rules and posting in one statement (payments/V3). */
  private static final String PROCESS = "SELECT " + OUTCOME_COLUMNS
      + " FROM payments.process_payment($1, $2, $3, $4, $5, $6, $7) AS o";

  /**
   * The sync posting of many requests in ONE statement and transaction (payments/V22): one outcome per request, in
   * request order, each as process_payment would have answered it had the requests come one after another.
   */
  private static final String PROCESS_ALL = "SELECT " + OUTCOME_COLUMNS
      + " FROM payments.process_payments($1, $2, $3, $4, $5, $6, $7) AS b(ord, o) ORDER BY b.ord";

  /**
   * The async accept of many requests in ONE statement (one commit for all: issue 8 profile, the WAL flush of a
   * commit per accepted payment was most of its cost). Per request, in order ({@code ord}): the payment as the
   * statement found it, and the job when it was accepted — PENDING → PROCESSING and a PaymentWorker job, like
   * payments.accept_payment (payments/V3), whose checks Java applies to the row found ({@link #acceptOutcome}).
   * The rows are locked in id order (two concurrent batches never deadlock). A payment asked for twice is accepted
   * for its first request that may; the others, like a request whose payment another transaction moved out of
   * PENDING meanwhile (the UPDATE re-checks the locked row), get no job: a lost race, as when two single accepts
   * meet. No uniqueness lookup: only this statement enqueues PaymentWorker jobs, once per payment (PENDING is
   * never re-entered, SPEC §6.8), so the window of accept_payment could never find one. Job SQL outside
   * {@code JobStore} on purpose: the job is enqueued inside the one statement that accepts its payment. The statement
   * is the function payments.accept_payments (payments/V21) so that its plan is made once per connection: as a
   * prepared statement its array parameters kept PostgreSQL choosing a fresh custom plan on every execution.
   */
  private static final String ACCEPT = """
      SELECT a.payment_status AS status, a.payment_user_id AS user_id, a.accepted_job_id AS job_id,
             a.accepted_job_state AS job_state
        FROM payments.accept_payments($1, $2, $3, $4, $5, $6, $7) AS a
       ORDER BY a.accept_ord""";

  /**
   * The workers: fence, post and complete a batch of claimed jobs in one statement (payments/V3). Job SQL outside
   * {@code JobStore} on purpose: the posting completes its job inside the same statement (exactly-once, one round trip).
   */
  private static final String POST_JOBS = "SELECT b.job_id, " + OUTCOME_COLUMNS.replace("(o)", "(b.outcome)")
      + " FROM payments.post_payment_jobs($1, $2, $3, $4, $5, $6, $7) AS b";

  /**
   * The workers, claiming inside the posting: pick, post and complete a batch of waiting jobs in one statement
   * (payments/V24). A job of a busy account comes back deferred (left waiting); a failed one claimed with a lease.
   */
  private static final String CLAIM_AND_POST_JOBS = "SELECT b.job_id, b.deferred, "
      + OUTCOME_COLUMNS.replace("(o)", "(b.outcome)")
      + " FROM payments.claim_and_post_payment_jobs($1, $2, $3, $4, $5, $6, $7, $8, $9) AS b";

  /** The account of each payment of a worker batch (to split it into groups of disjoint accounts). */
  private static final String ACCOUNTS_OF = """
      SELECT id, user_bank_account_id FROM payments.user_payments WHERE id = ANY($1)""";

  private static final String SET_STATUS = """
      UPDATE payments.user_payments SET status = $3, failure_reason = $4, updated_at = date_trunc('second', now())
      WHERE id = $1 AND status = $2
      RETURNING *""";

  Future<Payment> insert(SqlClient tx, PaymentDraft d, UUID userId) {
    return tx.preparedQuery(INSERT)
        .execute(Tuple.of(d.amount(), d.direction(), d.description(), d.paymentType(), d.accountId(), userId))
        .map(rows -> Payment.from(rows.iterator().next()));
  }

  Future<Optional<Payment>> get(SqlClient db, UUID id) {
    return db.preparedQuery(GET).execute(Tuple.of(id)).map(PaymentRepository::first);
  }

  Future<Optional<Payment>> lock(SqlClient tx, UUID id) {
    return tx.preparedQuery(LOCK).execute(Tuple.of(id)).map(PaymentRepository::first);
  }

  /** The list's filters (null = not set), SPEC.md §6.7. */
  record Filter(UUID userId, String direction, String status, String paymentType, OffsetDateTime from,
      OffsetDateTime to) {
    boolean none() {
      return direction == null && status == null && paymentType == null && from == null && to == null;
    }

    SqlFilter where() {
      return SqlFilter.where("user_id = ?", userId).and("direction = ?", direction).and("status = ?", status)
          .and("payment_type = ?", paymentType).and("inserted_at >= ?", from).and("inserted_at <= ?", to);
    }
  }

  /** A page in the list's order; the planner walks (user_id, inserted_at, id) backwards, or a filter's index. */
  static SqlFilter.Query listQuery(Filter f, int limit, long offset) {
    SqlFilter w = f.where();
    String sql = "SELECT * FROM payments.user_payments" + w.sql() + " ORDER BY inserted_at DESC, id DESC"
        + " LIMIT " + w.bind(limit) + " OFFSET " + w.bind(offset);
    return new SqlFilter.Query(sql, w.params());
  }

  /** total_count: without a filter from the counters, with one counted (filtered lists are not on the hot path). */
  static SqlFilter.Query countQuery(Filter f) {
    if (f.none()) return new SqlFilter.Query(COUNT_ALL, Tuple.of(f.userId()));
    SqlFilter w = f.where();
    return new SqlFilter.Query("SELECT count(*) AS n FROM payments.user_payments" + w.sql(), w.params());
  }

  Future<List<Payment>> list(SqlClient db, Filter f, int limit, long offset) {
    SqlFilter.Query q = listQuery(f, limit, offset);
    return db.preparedQuery(q.sql()).execute(q.params()).map(PaymentRepository::all);
  }

  Future<Long> count(SqlClient db, Filter f) {
    SqlFilter.Query q = countQuery(f);
    return db.preparedQuery(q.sql()).execute(q.params()).map(rows -> rows.iterator().next().getLong("n"));
  }

  Future<List<Payment>> recent(SqlClient db, UUID userId, int n) {
    return db.preparedQuery(RECENT).execute(Tuple.of(userId, n)).map(PaymentRepository::all);
  }

  record RuleFacts(BigDecimal spentToday, boolean duplicate) {}

  Future<RuleFacts> ruleFacts(SqlClient db, Payment p, int duplicateWindowMinutes) {
    Tuple t = Tuple.tuple().addUUID(p.accountId()).addUUID(p.userId()).addUUID(p.id()).addBigDecimal(p.amount())
        .addString(p.description()).addString(p.direction()).addInteger(duplicateWindowMinutes);
    return db.preparedQuery(RULE_FACTS).execute(t).map(rows -> {
      Row r = rows.iterator().next();
      return new RuleFacts(r.getBigDecimal("spent_today"), r.getBoolean("duplicate"));
    });
  }

  /** The limits of the rules, as the posting functions take them. */
  record Limits(BigDecimal maxSingle, JsonObject dailyLimits, BigDecimal defaultDailyLimit, int duplicateMinutes) {
    static Limits of(PaymentsConfig cfg) {
      JsonObject daily = new JsonObject();
      cfg.dailyLimits().forEach((type, limit) -> daily.put(type, limit.toPlainString()));
      return new Limits(cfg.maxSingleTransaction(), daily, cfg.defaultDailyLimit(), cfg.duplicateWindowMinutes());
    }

    Tuple addTo(Tuple t) {
      return t.addBigDecimal(maxSingle).addValue(dailyLimits).addBigDecimal(defaultDailyLimit).addInteger(duplicateMinutes);
    }
  }

  /** What the posting functions answer: a failing reason (null = posted) with its facts, and the payment row. */
  record Outcome(String reason, String paymentStatus, String accountStatus, String accountType,
      BigDecimal accountBalance, BigDecimal dailySpent, Payment payment) {
    static Outcome from(Row r) {
      return new Outcome(r.getString("reason"), r.getString("payment_status"), r.getString("account_status"),
          r.getString("account_type"), r.getBigDecimal("account_balance"), r.getBigDecimal("daily_spent"),
          r.getUUID("id") == null ? null : Payment.from(r));
    }

    boolean posted() {
      return reason == null;
    }
  }

  Future<Outcome> process(SqlClient db, UUID paymentId, UUID callerId, boolean callerIsAdmin, Limits limits) {
    Tuple t = limits.addTo(Tuple.tuple().addUUID(paymentId).addUUID(callerId).addBoolean(callerIsAdmin));
    return db.preparedQuery(PROCESS).execute(t).map(rows -> Outcome.from(rows.iterator().next()));
  }

  /** Post the requests in one statement (see {@link #PROCESS_ALL}); the outcomes in request order. */
  Future<List<Outcome>> processAll(SqlClient db, List<BatchRequest> requests, Limits limits) {
    Tuple t = limits.addTo(batchTuple(requests));
    return db.preparedQuery(PROCESS_ALL).execute(t).map(rows -> {
      List<Outcome> out = new ArrayList<>(requests.size());
      for (Row r : rows) out.add(Outcome.from(r));
      if (out.size() != requests.size()) throw new IllegalStateException("process answered " + out.size() + " rows");
      return out;
    });
  }

  /** The batch's payment ids, caller ids and caller-is-admin flags as three array parameters. */
  private static Tuple batchTuple(List<BatchRequest> requests) {
    UUID[] payments = new UUID[requests.size()];
    UUID[] callers = new UUID[requests.size()];
    Boolean[] admins = new Boolean[requests.size()];
    for (int i = 0; i < payments.length; i++) {
      BatchRequest r = requests.get(i);
      payments[i] = r.paymentId();
      callers[i] = r.callerId();
      admins[i] = r.callerIsAdmin();
    }
    return Tuple.tuple().addArrayOfUUID(payments).addArrayOfUUID(callers).addArrayOfBoolean(admins);
  }

  /**
   * The async accept's answer: a failing reason (null = accepted) with the status found, or the job. A lost race (the
   * payment left PENDING between the statement's snapshot and its lock) is already_processed with a null status.
   */
  record Accepted(String reason, String paymentStatus, UUID jobId, String jobState) {
    boolean lostRace() {
      return "already_processed".equals(reason) && paymentStatus == null;
    }
  }

  /** One request of a batch (the async accept's or the sync posting's): the payment and who asks. */
  record BatchRequest(UUID paymentId, UUID callerId, boolean callerIsAdmin) {}

  /**
   * Accept the requests in one statement; the answers in the same order. In a transaction
   * (an Idempotency-Key) it commits with it; on the pool, by itself.
   */
  Future<List<Accepted>> accept(SqlClient db, List<BatchRequest> requests, String worker, String queue,
      int maxAttempts, int timeoutSeconds) {
    Tuple t = batchTuple(requests).addString(worker).addString(queue).addInteger(maxAttempts).addInteger(timeoutSeconds);
    return db.preparedQuery(ACCEPT).execute(t).map(rows -> {
      List<Accepted> out = new ArrayList<>(requests.size());
      int i = 0;
      for (Row r : rows) out.add(acceptOutcome(requests.get(i++), r));
      if (out.size() != requests.size()) throw new IllegalStateException("accept answered " + out.size() + " rows");
      return out;
    });
  }

  /**
   * payments.lock_pending_payment's checks in SPEC §6.6 order, on the row as the statement found it: exists
   * (payment_not_found) → may process (insufficient_permissions: admin always, the owner only while PENDING) →
   * PENDING (already_processed); then accepted, or a lost race.
   */
  private static Accepted acceptOutcome(BatchRequest req, Row r) {
    String status = r.getString("status");
    if (status == null) return new Accepted("payment_not_found", null, null, null);
    boolean pending = Payment.PENDING.equals(status);
    if (!(req.callerIsAdmin() || (req.callerId().equals(r.getUUID("user_id")) && pending))) {
      return new Accepted("insufficient_permissions", null, null, null);
    }
    if (!pending) return new Accepted("already_processed", status, null, null);
    UUID job = r.getUUID("job_id");
    return job == null ? new Accepted("already_processed", null, null, null)
        : new Accepted(null, null, job, r.getString("job_state"));
  }

  /** The outcome of each job of the batch this runner still owned (the others lost their lease). */
  Future<Map<UUID, Outcome>> postJobs(SqlClient db, UUID[] jobIds, Integer[] attempts, String runnerId,
      Limits limits) {
    Tuple t = limits.addTo(Tuple.tuple().addArrayOfUUID(jobIds).addArrayOfInteger(attempts).addString(runnerId));
    return db.preparedQuery(POST_JOBS).execute(t).map(rows -> {
      Map<UUID, Outcome> out = new LinkedHashMap<>();
      for (Row r : rows) out.put(r.getUUID("job_id"), Outcome.from(r));
      return out;
    });
  }

  /** One job of {@link #claimAndPostJobs}: deferred (outcome null), or its outcome. */
  record PickedJob(UUID jobId, Outcome outcome) {}

  /** Pick, post and complete up to {@code limit} waiting jobs of {@code worker} in {@code queue} (payments/V24). */
  Future<List<PickedJob>> claimAndPostJobs(SqlClient db, String queue, String worker, int limit, String runnerId,
      int leaseSeconds, Limits limits) {
    Tuple t = limits.addTo(Tuple.tuple().addString(queue).addString(worker).addInteger(limit).addString(runnerId)
        .addInteger(leaseSeconds));
    return db.preparedQuery(CLAIM_AND_POST_JOBS).execute(t).map(rows -> {
      List<PickedJob> out = new ArrayList<>(rows.size());
      for (Row r : rows) out.add(new PickedJob(r.getUUID("job_id"), r.getBoolean("deferred") ? null : Outcome.from(r)));
      return out;
    });
  }

  /** payment id → its account id, for the payments that exist. */
  Future<Map<UUID, UUID>> accountsOf(SqlClient db, UUID[] paymentIds) {
    return db.preparedQuery(ACCOUNTS_OF).execute(Tuple.of(paymentIds)).map(rows -> {
      Map<UUID, UUID> out = new java.util.HashMap<>();
      for (Row r : rows) out.put(r.getUUID("id"), r.getUUID("user_bank_account_id"));
      return out;
    });
  }

  /** Move {@code from} → {@code to}; empty when the payment was not in {@code from}. */
  Future<Optional<Payment>> transition(SqlClient tx, UUID id, String from, String to, String failureReason) {
    return tx.preparedQuery(SET_STATUS).execute(Tuple.of(id, from, to, failureReason)).map(PaymentRepository::first);
  }

  private static Optional<Payment> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(Payment.from(rows.iterator().next()));
  }

  private static List<Payment> all(RowSet<Row> rows) {
    List<Payment> out = new ArrayList<>(rows.size());
    for (Row r : rows) out.add(Payment.from(r));
    return out;
  }
}
