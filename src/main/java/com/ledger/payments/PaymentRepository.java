package com.ledger.payments;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL for {@code payments.user_payments}, including the posting statement. */
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

  /** The facts the daily-limit and duplicate rules need, in one round trip. */
  private static final String RULE_FACTS = """
      SELECT
        (SELECT COALESCE(sum(amount), 0) FROM payments.user_payments
          WHERE user_bank_account_id = $1 AND direction = 'DEBIT' AND status = 'COMPLETED'
            AND posted_at >= (date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')) AS spent_today,
        EXISTS (SELECT 1 FROM payments.user_payments
          WHERE user_id = $2 AND id <> $3 AND amount = $4 AND description = $5 AND direction = $6
            AND status = 'COMPLETED' AND posted_at >= now() - $7::int * interval '1 minute') AS duplicate""";

  /**
   * The posting: balance change, one ledger row (payment_id is unique), payment COMPLETED with posted_at — one
   * statement inside the caller's transaction, after the payment and account rows were locked and the rules passed.
   * The balance CHECK and the unique payment_id index back the invariants.
   */
  private static final String POST = """
      WITH acc AS (
        UPDATE payments.user_bank_accounts SET balance = balance + $3, updated_at = date_trunc('second', now())
        WHERE id = $2 RETURNING id),
      txn AS (
        INSERT INTO payments.transactions (description, amount, direction, posted_at, account_id, user_id, payment_id)
        SELECT $4, $5, $6, date_trunc('second', now()), acc.id, $7, $1 FROM acc RETURNING id)
      UPDATE payments.user_payments
         SET status = 'COMPLETED', posted_at = date_trunc('second', now()), failure_reason = NULL,
             updated_at = date_trunc('second', now())
      WHERE id = $1 AND EXISTS (SELECT 1 FROM txn)
      RETURNING *""";

  private static final String SET_STATUS = """
      UPDATE payments.user_payments SET status = $3, failure_reason = $4, updated_at = date_trunc('second', now())
      WHERE id = $1 AND status = $2
      RETURNING *""";

  private static final String LATEST_JOB = """
      SELECT id, state FROM jobs.jobs WHERE args ->> 'payment_id' = $1 ORDER BY inserted_at DESC, id DESC LIMIT 1""";

  private PaymentRepository() {}

  static Future<Payment> insert(SqlClient tx, PaymentDraft d, UUID userId) {
    return tx.preparedQuery(INSERT)
        .execute(Tuple.of(d.amount(), d.direction(), d.description(), d.paymentType(), d.accountId(), userId))
        .map(rows -> Payment.from(rows.iterator().next()));
  }

  static Future<Optional<Payment>> get(SqlClient db, UUID id) {
    return db.preparedQuery(GET).execute(Tuple.of(id)).map(PaymentRepository::first);
  }

  static Future<Optional<Payment>> lock(SqlClient tx, UUID id) {
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

  static Future<List<Payment>> list(SqlClient db, Filter f, int limit, long offset) {
    SqlFilter.Query q = listQuery(f, limit, offset);
    return db.preparedQuery(q.sql()).execute(q.params()).map(PaymentRepository::all);
  }

  static Future<Long> count(SqlClient db, Filter f) {
    SqlFilter.Query q = countQuery(f);
    return db.preparedQuery(q.sql()).execute(q.params()).map(rows -> rows.iterator().next().getLong("n"));
  }

  static Future<List<Payment>> recent(SqlClient db, UUID userId, int n) {
    return db.preparedQuery(RECENT).execute(Tuple.of(userId, n)).map(PaymentRepository::all);
  }

  record RuleFacts(BigDecimal spentToday, boolean duplicate) {}

  static Future<RuleFacts> ruleFacts(SqlClient db, Payment p, int duplicateWindowMinutes) {
    Tuple t = Tuple.tuple().addUUID(p.accountId()).addUUID(p.userId()).addUUID(p.id()).addBigDecimal(p.amount())
        .addString(p.description()).addString(p.direction()).addInteger(duplicateWindowMinutes);
    return db.preparedQuery(RULE_FACTS).execute(t).map(rows -> {
      Row r = rows.iterator().next();
      return new RuleFacts(r.getBigDecimal("spent_today"), r.getBoolean("duplicate"));
    });
  }

  static Future<Payment> post(SqlClient tx, Payment p) {
    BigDecimal delta = "DEBIT".equals(p.direction()) ? p.amount().negate() : p.amount();
    String description = p.description() == null || p.description().isBlank() ? p.paymentType() : p.description();
    Tuple t = Tuple.tuple().addUUID(p.id()).addUUID(p.accountId()).addBigDecimal(delta).addString(description)
        .addBigDecimal(p.amount()).addString(p.direction()).addUUID(p.userId());
    return tx.preparedQuery(POST).execute(t).compose(rows -> rows.size() == 1
        ? Future.succeededFuture(Payment.from(rows.iterator().next()))
        : Future.failedFuture(new IllegalStateException("posting touched no row for payment " + p.id())));
  }

  /** Move {@code from} → {@code to}; empty when the payment was not in {@code from}. */
  static Future<Optional<Payment>> transition(SqlClient tx, UUID id, String from, String to, String failureReason) {
    return tx.preparedQuery(SET_STATUS).execute(Tuple.of(id, from, to, failureReason)).map(PaymentRepository::first);
  }

  /** {@code {id, state}} of the payment's latest job, or null. */
  static Future<JsonObject> latestJob(SqlClient db, UUID paymentId) {
    return db.preparedQuery(LATEST_JOB).execute(Tuple.of(paymentId.toString())).map(rows -> {
      if (rows.size() == 0) return null;
      Row r = rows.iterator().next();
      return new JsonObject().put("id", r.getUUID("id").toString()).put("state", r.getString("state"));
    });
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
