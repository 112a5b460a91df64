package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.db.Migrations;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The index diet, shown with the planner (issue 8): on a database with enough rows that the planner prefers indexes
 * (thousands of users, one with a long history, a jobs table of finished and waiting jobs; then VACUUM ANALYZE),
 * EXPLAIN every statement the service issues on the tables of every slice, with real parameter values, and check
 * that each reads through the index it should. Then check the other side: every index left in the schemas is unique,
 * read by one of those plans, or the one index behind a foreign key (a FK without one makes ON DELETE CASCADE /
 * SET NULL scan the referencing table); and every statement constant of the repositories is in this catalogue, so a
 * new query cannot arrive without its plan being checked.
 *
 * <p>It lives in the payments package because the hot queries are built there (package-private builders); the other
 * slices' statements are read from their private constants by reflection, and the few written inline in a method
 * (bank logins, banks, webhook deliveries, job cancel) are copied here verbatim.
 */
class IndexUsageTest {
  /** Tables whose rows grow with use: a sequential scan of one must be declared (and explained) by its query. */
  private static final Set<String> GROWING = Set.of("users", "refresh_tokens", "audit_events", "user_bank_logins",
      "user_bank_accounts", "user_payments", "transactions", "idempotency_keys", "user_payment_counts",
      "account_daily_totals", "jobs", "webhook_deliveries", "journal_entries", "journal_lines", "reconciliations",
      "ledger_verify_accounts");
  private static final Pattern STATEMENT = Pattern.compile("^\\s*(SELECT|WITH|UPDATE|DELETE|INSERT)\\b.*",
      Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
  private static final String[] REPOSITORIES = {"com.ledger.payments.PaymentRepository",
      "com.ledger.payments.AccountRepository", "com.ledger.platform.idempotency.IdempotencyRepository",
      "com.ledger.payments.SyncImportRepository", "com.ledger.users.UserRepository",
      "com.ledger.auth.RefreshTokenRepository", "com.ledger.auth.AuditRepository",
      "com.ledger.banksync.webhooks.WebhookDeliveries", "com.ledger.platform.jobs.JobStore",
      "com.ledger.payments.LedgerRepository", "com.ledger.payments.ReconciliationRepository"};

  static String db;
  static Vertx vertx;
  static Pool pool;
  static Ids ids;
  static final Map<String, Plan> PLANS = new LinkedHashMap<>();
  static final List<String> FAILURES = new ArrayList<>();
  static final Set<String> COVERED = new TreeSet<>();
  static final Set<String> READ_AS_EXPECTED = new TreeSet<>();

  /** Real keys from the seeded data, as query parameters. */
  record Ids(UUID heavyUser, UUID lightUser, UUID heavyAccount, UUID payment, UUID branch, UUID bank, UUID login,
      String loginUsername, UUID job, String jobPaymentId, String jobLoginId, String jti, UUID family,
      String idempotencyKey, UUID idempotencyUser, OffsetDateTime cursorAt, UUID cursorId) {}

  /** What a plan reads: (schema.relation → node types) and the indexes it names (scans and ON CONFLICT arbiters). */
  record Plan(Map<String, Set<String>> scans, Set<String> indexes, String text) {
    boolean seqScans(String relation) {
      return scans.getOrDefault(relation, Set.of()).contains("Seq Scan");
    }
  }

  @BeforeAll
  static void seedAndExplainEverything() throws Exception {
    db = TestDatabase.fresh();
    AppConfig cfg = TestApp.config(TestApp.settings(Map.of("db.url", db)));
    Migrations.migrate(cfg.db());
    try (Connection c = TestDatabase.jdbc(db); var st = c.createStatement()) {
      st.execute(SEED);
      st.execute("VACUUM ANALYZE");
      ids = ids(c);
    }
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(db)).using(vertx).build();
    catalogue();
  }

  @AfterAll
  static void stop() {
    if (pool != null) pool.close().await();
    if (vertx != null) vertx.close().await();
    TestDatabase.drop(db);
  }

  @Test
  void every_statement_reads_through_its_index() {
    assertThat(FAILURES).as("statements whose plan does not read as expected").isEmpty();
    assertThat(PLANS).hasSizeGreaterThan(80);
  }

  @Test
  void every_index_left_is_unique_read_by_a_statement_or_behind_a_foreign_key() throws Exception {
    Set<String> used = READ_AS_EXPECTED;  // an index a plan reads by chance (a count(*) of every row) does not count
    Map<String, Boolean> unique = new LinkedHashMap<>();
    Map<String, List<String>> supportersByFk = new LinkedHashMap<>();
    try (Connection c = TestDatabase.jdbc(db); var st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("""
          SELECT i.relname, x.indisunique FROM pg_index x
          JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
          JOIN pg_class t ON t.oid = x.indrelid
          WHERE n.nspname IN ('users','auth','banksync','payments','jobs') AND t.relname <> 'flyway_schema_history'
          ORDER BY 1""")) {
        while (rs.next()) unique.put(rs.getString(1), rs.getBoolean(2));
      }
      // For every FK: the indexes on the referencing table whose leading columns are the FK's columns (a partial
      // index whose predicate is "col IS NOT NULL" serves too: the cascade looks for col = the deleted key).
      try (ResultSet rs = st.executeQuery("""
          SELECT n.nspname || '.' || c.conname, i.relname
          FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
          LEFT JOIN pg_index x ON x.indrelid = c.conrelid
               AND (x.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
               AND (x.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey
               AND (x.indpred IS NULL OR pg_get_expr(x.indpred, x.indrelid) =
                    '(' || (SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = c.conkey[1])
                    || ' IS NOT NULL)')
          LEFT JOIN pg_class i ON i.oid = x.indexrelid
          WHERE c.contype = 'f' AND n.nspname IN ('users','auth','banksync','payments','jobs')
          ORDER BY 1, 2""")) {
        while (rs.next()) {
          var list = supportersByFk.computeIfAbsent(rs.getString(1), k -> new ArrayList<>());
          if (rs.getString(2) != null) list.add(rs.getString(2));
        }
      }
    }
    assertThat(supportersByFk).as("foreign keys").hasSizeGreaterThan(10);
    List<String> unsupported = supportersByFk.entrySet().stream().filter(e -> e.getValue().isEmpty())
        .map(Map.Entry::getKey).toList();
    assertThat(unsupported).as("foreign keys without an index on the referencing columns").isEmpty();

    Set<String> justified = new TreeSet<>(used);
    unique.forEach((name, isUnique) -> {
      if (isUnique) justified.add(name);
    });
    List<String> redundantFkIndexes = new ArrayList<>();
    supportersByFk.forEach((fk, supporters) -> {
      if (supporters.stream().anyMatch(justified::contains)) return;
      justified.add(supporters.get(0));  // one index per FK, for the cascade
      if (supporters.size() > 1) redundantFkIndexes.add(fk + " " + supporters);
    });
    assertThat(redundantFkIndexes).as("several unused indexes serve only the same FK").isEmpty();
    List<String> unused = unique.keySet().stream().filter(i -> !justified.contains(i)).toList();
    assertThat(unused).as("indexes that no statement reads, that are not unique and serve no foreign key").isEmpty();
  }

  @Test
  void every_statement_constant_of_the_repositories_is_in_the_catalogue() throws Exception {
    List<String> missing = new ArrayList<>();
    for (String name : REPOSITORIES) {
      Class<?> c = Class.forName(name);
      for (Field f : c.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers()) || f.getType() != String.class) continue;
        f.setAccessible(true);
        String value = (String) f.get(null);
        String key = c.getSimpleName() + "." + f.getName();
        if (value != null && STATEMENT.matcher(value).matches() && !COVERED.contains(key)) missing.add(key);
      }
    }
    assertThat(missing).as("statement constants without an EXPLAIN expectation in IndexUsageTest").isEmpty();
  }

  // ------------------------------------------------------------------ the catalogue

  private static void catalogue() throws Exception {
    Ids i = ids;
    Tuple none = Tuple.tuple();
    OffsetDateTime weekAgo = OffsetDateTime.now(ZoneOffset.UTC).minusDays(7);
    OffsetDateTime dayAgo = OffsetDateTime.now(ZoneOffset.UTC).minusDays(1);

    // payments.user_payments
    String pk = "user_payments_pkey";
    String byUser = "user_payments_user_id_inserted_at_id_index";
    explain("PaymentRepository.INSERT", k("PaymentRepository", "INSERT"),
        p(new java.math.BigDecimal("1.00"), "DEBIT", "x", "PAYMENT", i.heavyAccount(), i.heavyUser()));
    explain("PaymentRepository.GET", k("PaymentRepository", "GET"), p(i.payment()), pk);
    explain("PaymentRepository.LOCK", k("PaymentRepository", "LOCK"), p(i.payment()), pk);
    list("list, no filter, long history", filter(i.heavyUser(), null, null, null, null, null), byUser);
    list("list, no filter, short history (any index of the user's rows)",
        filter(i.lightUser(), null, null, null, null, null));
    list("list, deep page", filter(i.heavyUser(), null, null, null, null, null), 5000, byUser);
    list("list, status", filter(i.heavyUser(), null, "FAILED", null, null, null));
    list("list, payment_type (rare)", filter(i.heavyUser(), null, null, "DEPOSIT", null, null),
        "user_payments_user_id_payment_type_index");
    list("list, direction", filter(i.heavyUser(), "CREDIT", null, null, null, null), byUser);
    list("list, date range", filter(i.heavyUser(), null, null, null, weekAgo, dayAgo), byUser);
    list("list, every filter", filter(i.heavyUser(), "DEBIT", "COMPLETED", "PAYMENT", weekAgo, dayAgo), byUser);
    count("count, no filter (counters)", filter(i.heavyUser(), null, null, null, null, null),
        "user_payment_counts_pkey");
    count("count, status", filter(i.heavyUser(), null, "PENDING", null, null, null),
        "user_payments_user_id_status_index");
    count("count, payment_type", filter(i.heavyUser(), null, null, "TRANSFER", null, null),
        "user_payments_user_id_payment_type_index");
    count("count, direction", filter(i.heavyUser(), "CREDIT", null, null, null, null),
        "user_payments_user_id_direction_index");
    count("count, date range", filter(i.heavyUser(), null, null, null, weekAgo, dayAgo), byUser);
    COVERED.add("PaymentRepository.COUNT_ALL");
    explain("PaymentRepository.RECENT", k("PaymentRepository", "RECENT"), p(i.heavyUser(), 10), byUser);
    // The posting functions (payments/V3): their inner statements, as auto_explain sees them run, with limits high
    // enough that every rule passes and the posting itself is written.
    BigDecimal limit = new BigDecimal("1000000000");
    JsonObject noDailyLimits = new JsonObject();
    explainNested("PaymentRepository.RULE_FACTS", k("PaymentRepository", "RULE_FACTS"),
        tx -> Future.succeededFuture(Tuple.tuple().addUUID(i.heavyAccount()).addUUID(i.heavyUser())
            .addUUID(i.payment()).addBigDecimal(new BigDecimal("1.01")).addString("payment 1").addString("DEBIT")
            .addInteger(5)),
        "account_daily_totals_pkey", "user_payments_user_id_amount_description_direction_status_index");
    String[] posting = {pk, "user_bank_accounts_pkey", "account_daily_totals_pkey",
        "user_payments_user_id_amount_description_direction_status_index"};
    explainNested("PaymentRepository.PROCESS (lock, rules, posting)", k("PaymentRepository", "PROCESS"),
        tx -> Future.succeededFuture(p(i.payment(), i.heavyUser(), false, limit, noDailyLimits, limit, 5)), posting);
    explainNested("PaymentRepository.PROCESS_ALL (a batch: lock payments, then accounts, then each posting; payments/V22)",
        k("PaymentRepository", "PROCESS_ALL"), tx -> Future.succeededFuture(p(new UUID[] {i.payment(), UUID.randomUUID()},
            new UUID[] {i.heavyUser(), i.heavyUser()}, new Boolean[] {false, true}, limit, noDailyLimits, limit, 5)),
        posting);
    // payments/V25: a batch of four or more decides each posting, then writes them all in one statement
    explainNested("PaymentRepository.PROCESS_ALL (a batch of four: the writes in one statement; payments/V25)",
        k("PaymentRepository", "PROCESS_ALL"),
        tx -> tx.preparedQuery("INSERT INTO payments.user_payments (amount, direction, description, payment_type, "
                + "status, user_bank_account_id, user_id) SELECT 0.01, 'CREDIT', 'index usage ' || g, 'PAYMENT', "
                + "'PENDING', $1, $2 FROM generate_series(1, 3) g RETURNING id")
            .execute(p(i.heavyAccount(), i.heavyUser()))
            .map(rows -> {
              List<UUID> ids = new ArrayList<>(List.of(i.payment()));
              rows.forEach(r -> ids.add(r.getUUID("id")));
              return p(ids.toArray(UUID[]::new), new UUID[] {i.heavyUser(), i.heavyUser(), i.heavyUser(),
                  i.heavyUser()}, new Boolean[] {false, false, false, false}, limit, noDailyLimits, limit, 5);
            }),
        posting);
    explainNested("PaymentRepository.ACCEPT (a batch: checks, lock, PENDING -> PROCESSING, enqueue; payments/V21)",
        k("PaymentRepository", "ACCEPT"), tx -> Future.succeededFuture(p(new UUID[] {i.payment(), UUID.randomUUID()},
            new UUID[] {i.heavyUser(), i.heavyUser()}, new Boolean[] {false, true}, "PaymentWorker", "payments", 5, 300)),
        pk);
    explainNested("PaymentRepository.POST_JOBS (fence, lock, post, complete a batch)",
        k("PaymentRepository", "POST_JOBS"),
        tx -> tx.preparedQuery("SELECT * FROM payments.accept_payment($1, $2, false, 'PaymentWorker', 'payments', "
                + "5, 300, 60)").execute(p(i.payment(), i.heavyUser()))
            .compose(r -> tx.preparedQuery("UPDATE jobs.jobs SET state = 'executing', attempt = attempt + 1, "
                + "locked_by = 'runner', lease_until = now() + interval '30 seconds' "
                + "WHERE args ->> 'payment_id' = $1 AND state = 'available' RETURNING id, attempt")
                .execute(p(i.payment().toString())))
            .map(rows -> {
              Row job = rows.iterator().next();
              return p(new UUID[] {job.getUUID("id")}, new Integer[] {job.getInteger("attempt")}, "runner", limit,
                  noDailyLimits, limit, 5);
            }),
        concat(posting, "jobs_pkey"));
    // payments/V24: the workers pick waiting jobs in claim order, post them and complete them by primary key
    explainNested("PaymentRepository.CLAIM_AND_POST_JOBS (pick, lock, post, complete a batch)",
        k("PaymentRepository", "CLAIM_AND_POST_JOBS"),
        tx -> tx.preparedQuery("SELECT * FROM payments.accept_payment($1, $2, false, 'PaymentWorker', 'payments', "
                + "5, 300, 60)").execute(p(i.payment(), i.heavyUser()))
            // first in claim order, so that the batch of one is this payment's job
            .compose(r -> tx.preparedQuery("UPDATE jobs.jobs SET scheduled_at = '2000-01-01' "
                + "WHERE worker = 'PaymentWorker' AND unique_key = $1 AND state = 'available'").execute(p(i.payment().toString())))
            .map(r -> p("payments", "PaymentWorker", 1, "runner", 30, limit, noDailyLimits, limit, 5)),
        concat(posting, "jobs_claim_index", "jobs_pkey"));
    explain("PaymentRepository.SET_STATUS", k("PaymentRepository", "SET_STATUS"),
        p(i.payment(), "PENDING", "CANCELLED", null), pk);
    explain("PaymentRepository.ACCOUNTS_OF", k("PaymentRepository", "ACCOUNTS_OF"),
        p((Object) new UUID[] {i.payment(), UUID.randomUUID()}), pk);
    explain("JobStore.LATEST_BY_KEY (a payment's latest job)", k("JobStore", "LATEST_BY_KEY"),
        p("PaymentWorker", i.jobPaymentId()), "jobs_worker_unique_key_inserted_at_index");

    // payments.user_bank_accounts and payments.transactions
    String accountsByUser = "user_bank_accounts_user_id_inserted_at_id_index";
    String ledger = "transactions_account_id_posted_at_id_index";
    explain("AccountRepository.BY_USER", k("AccountRepository", "BY_USER"), p(i.heavyUser()), accountsByUser);
    explain("AccountRepository.GET", k("AccountRepository", "GET"), p(i.heavyAccount()),
        "user_bank_accounts_pkey");
    explain("AccountRepository.HEALTH", k("AccountRepository", "HEALTH"), p(i.heavyUser()), accountsByUser);
    var cursor = new com.ledger.platform.paging.KeysetCursor(i.cursorAt(), i.cursorId());
    transactions("transactions, first page", i.heavyAccount(), null, null, null, null, ledger);
    transactions("transactions, after a cursor", i.heavyAccount(), null, null, null, cursor, ledger);
    transactions("transactions, direction", i.heavyAccount(), "CREDIT", null, null, null, ledger);
    transactions("transactions, date range and cursor", i.heavyAccount(), null, weekAgo, dayAgo, cursor, ledger);
    explain("SyncImportRepository.UPSERT_ACCOUNT", k("SyncImportRepository", "UPSERT_ACCOUNT"),
        Tuple.from(new Object[] {"USD", "CHECKING", new java.math.BigDecimal("1.00"), "1234", "A", "ACTIVE", "EXT1A",
            i.login(), i.heavyUser()}), "user_bank_accounts_external_account_id_index");
    explain("SyncImportRepository.INSERT_TRANSACTIONS", k("SyncImportRepository", "INSERT_TRANSACTIONS"),
        p(new String[] {"d"}, new String[] {"1.00"}, new String[] {"DEBIT"},
            new String[] {"2024-01-01T00:00:00Z"}, new String[] {"X1"}, i.heavyAccount(), i.heavyUser()),
        "transactions_account_id_external_transaction_id_index");

    // the journal (payments/V6) and bank reconciliations (payments/V7)
    explain("LedgerRepository.VERIFY (every entry, line, account and completed payment, by definition)",
        k("LedgerRepository", "VERIFY"), p(20), new String[0],
        Set.of("journal_entries", "journal_lines", "user_bank_accounts", "user_payments"));
    explainNested("LedgerRepository.BALANCE_AT", k("LedgerRepository", "BALANCE_AT"),
        tx -> Future.succeededFuture(p(i.heavyAccount(), dayAgo)), "journal_lines_account_seq_index");
    // payments/V14: every account (its balance, head and checkpoint: by definition), but the journal only through
    // each account's lines after its checkpoint and the primary keys of their entries and payments
    explainNested("LedgerRepository.VERIFY_INCREMENTAL (every account; new lines, their entries and payments by key)",
        k("LedgerRepository", "VERIFY_INCREMENTAL"), tx -> Future.succeededFuture(p(20)),
        Set.of("user_bank_accounts", "ledger_verify_accounts"), "journal_lines_account_seq_index",
        "journal_lines_pkey", "journal_entries_pkey", "user_payments_pkey");
    explain("LedgerRepository.LAST_FULL (one row)", k("LedgerRepository", "LAST_FULL"), p(3_600_000L));
    explain("LedgerRepository.RECORD_FULL (one row)", k("LedgerRepository", "RECORD_FULL"), p(0L, new JsonArray()));
    UUID reconciliation = UUID.randomUUID();
    String reconciliations = "reconciliations_pkey";
    explain("ReconciliationRepository.LOGIN", k("ReconciliationRepository", "LOGIN"), p(i.login()), "user_bank_logins_pkey");
    explain("ReconciliationRepository.INSERT", k("ReconciliationRepository", "INSERT"), p(i.login()));
    explain("ReconciliationRepository.SET_JOB", k("ReconciliationRepository", "SET_JOB"), p(reconciliation, i.job()), reconciliations);
    explain("ReconciliationRepository.GET", k("ReconciliationRepository", "GET"), p(reconciliation), reconciliations);
    explain("ReconciliationRepository.GET_SETTLED", k("ReconciliationRepository", "GET_SETTLED"), p(reconciliation), reconciliations,
        "jobs_pkey", "user_bank_logins_pkey");
    explain("ReconciliationRepository.LOCK_LOGIN", k("ReconciliationRepository", "LOCK_LOGIN"), p(i.login()), "user_bank_logins_pkey");
    explain("ReconciliationRepository.FAIL", k("ReconciliationRepository", "FAIL"), p(reconciliation, "bank_login_deleted"),
        reconciliations);
    explain("ReconciliationRepository.REOPEN", k("ReconciliationRepository", "REOPEN"), p(reconciliation, i.job()), reconciliations,
        "user_bank_logins_pkey");
    explain("ReconciliationRepository.LEDGER_ACCOUNTS", k("ReconciliationRepository", "LEDGER_ACCOUNTS"), p(i.login()),
        "user_bank_accounts_user_bank_login_id_index");
    explain("ReconciliationRepository.LEDGER_TRANSACTIONS", k("ReconciliationRepository", "LEDGER_TRANSACTIONS"),
        p(new UUID[] {i.heavyAccount()}, weekAgo), "transactions_account_id_external_transaction_id_index");
    explain("ReconciliationRepository.COMPLETE", k("ReconciliationRepository", "COMPLETE"),
        p(reconciliation, 0, new JsonArray(), new JsonArray(), new JsonArray()), reconciliations);

    // payments.idempotency_keys
    String idem = "payments_idempotency_keys_pkey";
    OffsetDateTime token = OffsetDateTime.now(ZoneOffset.UTC);
    explain("IdempotencyRepository.CLAIM", k("IdempotencyRepository", "CLAIM"),
        p(i.idempotencyUser(), i.idempotencyKey(), "f".repeat(64), 24, 30), idem);
    explain("IdempotencyRepository.FIND", k("IdempotencyRepository", "FIND"),
        p(i.idempotencyUser(), i.idempotencyKey()), idem);
    explain("IdempotencyRepository.COMPLETE", k("IdempotencyRepository", "COMPLETE"),
        p(i.idempotencyUser(), i.idempotencyKey(), token, 201, "application/json", "{}"), idem);
    explain("IdempotencyRepository.RELEASE", k("IdempotencyRepository", "RELEASE"),
        p(i.idempotencyUser(), i.idempotencyKey(), token), idem);
    explain("IdempotencyRepository.RENEW", k("IdempotencyRepository", "RENEW"),
        p(i.idempotencyUser(), i.idempotencyKey(), token, 5), idem);
    explain("IdempotencyRepository.PURGE", k("IdempotencyRepository", "PURGE"), none,
        "idempotency_keys_expires_at_index");

    // users.users
    String users = "users_pkey";
    String usersByAge = "users_inserted_at_id_index";
    explain("UserRepository.INSERT", k("UserRepository", "INSERT"), p("n@example.com", "N", "user", "x"));
    explain("UserRepository.BY_ID", k("UserRepository", "BY_ID"), p(i.heavyUser()), users);
    explain("UserRepository.CREDENTIALS", k("UserRepository", "CREDENTIALS"), p("u7@example.com"),
        "users_email_index");
    explain("UserRepository.HASH_BY_ID", k("UserRepository", "HASH_BY_ID"), p(i.heavyUser()), users);
    explain("UserRepository.SET_HASH", k("UserRepository", "SET_HASH"), p(i.heavyUser(), "h"), users);
    explain("UserRepository.REHASH", k("UserRepository", "REHASH"), p(i.heavyUser(), "h", "x"), users);
    explain("UserRepository.UPDATE", k("UserRepository", "UPDATE"),
        p(i.heavyUser(), null, "New", null, null), users);
    explain("UserRepository.DELETE", k("UserRepository", "DELETE"), p(i.heavyUser()), users);
    explain("UserRepository.STATUS", k("UserRepository", "STATUS"), p(i.heavyUser()), users);
    explain("UserRepository.COUNT, no filter", k("UserRepository", "COUNT"), p(null, null), new String[0],
        Set.of("users"));
    explain("UserRepository.COUNT, status", k("UserRepository", "COUNT"), p("SUSPENDED", null),
        "users_status_role_index");
    explain("UserRepository.COUNT, role", k("UserRepository", "COUNT"), p(null, "admin"), "users_role_index");
    String page = k("UserRepository", "PAGE");
    explain("UserRepository.PAGE, default order", page + "inserted_at DESC, id DESC LIMIT $3 OFFSET $4",
        p(null, null, 20, 0), usersByAge);
    explain("UserRepository.PAGE, sort=updated_at", page + "updated_at DESC, id DESC LIMIT $3 OFFSET $4",
        p(null, null, 20, 0), "users_updated_at_index");
    explain("UserRepository.PAGE, role filter", page + "inserted_at DESC, id DESC LIMIT $3 OFFSET $4",
        p(null, "support", 20, 0), "users_role_index");
    explain("UserRepository.KEYSET", k("UserRepository", "KEYSET"),
        p(null, null, OffsetDateTime.now(ZoneOffset.UTC).minusDays(3), i.heavyUser(), 21), usersByAge);
    explain("UserRepository.STATS (every user, by definition)", k("UserRepository", "STATS"), none, new String[0],
        Set.of("users"));

    // auth
    explain("RefreshTokenRepository.INSERT", k("RefreshTokenRepository", "INSERT"),
        p("j-new", i.family(), i.heavyUser(), OffsetDateTime.now(ZoneOffset.UTC)));
    explain("RefreshTokenRepository.FIND", k("RefreshTokenRepository", "FIND"), p(i.jti()),
        "refresh_tokens_jti_index");
    explain("RefreshTokenRepository.REVOKE_ONE", k("RefreshTokenRepository", "REVOKE_ONE"),
        p(i.jti(), "rotated"), "refresh_tokens_jti_index");
    explain("RefreshTokenRepository.REVOKE_FAMILY", k("RefreshTokenRepository", "REVOKE_FAMILY"),
        p(i.family(), "logout"), "refresh_tokens_family_id_index");
    explain("RefreshTokenRepository.REVOKE_USER", k("RefreshTokenRepository", "REVOKE_USER"),
        p(i.heavyUser(), i.family(), "logout_all"), "refresh_tokens_user_id_index");
    explain("RefreshTokenRepository.PURGE", k("RefreshTokenRepository", "PURGE"), none,
        "refresh_tokens_expires_at_index");
    explain("AuditRepository.INSERT", k("AuditRepository", "INSERT"),
        p("logout", i.heavyUser(), i.heavyUser(), "cid", "127.0.0.1", new JsonObject()));

    // banksync (statements written inline in their methods, copied here)
    String loginColumns = k("BankLogin", "COLUMNS", "com.ledger.banksync.BankLogin");
    String loginFrom = k("BankLogin", "FROM", "com.ledger.banksync.BankLogin");
    String loginsByUser = "user_bank_logins_user_id_bank_branch_id_username_index";
    String login = "user_bank_logins_pkey";
    explain("BankRepository.listActive", """
        SELECT b.id, b.name, b.country, b.code, b.logo_url, b.status, b.inserted_at, b.updated_at,
               br.id AS br_id, br.name AS br_name, br.iban, br.country AS br_country, br.routing_number, br.swift_code,
               br.inserted_at AS br_inserted_at, br.updated_at AS br_updated_at
        FROM banksync.banks b LEFT JOIN banksync.bank_branches br ON br.bank_id = b.id
        WHERE b.status = 'ACTIVE' AND ($1::text IS NULL OR b.country = $1)
        ORDER BY b.name ASC, b.id ASC, br.name ASC, br.id ASC""", p("US"));
    explain("LoginRepository.findBranch", """
        SELECT br.id, b.id AS bank_id, b.name, b.country, b.status, b.api_endpoint,
               EXISTS (SELECT 1 FROM banksync.user_bank_logins l
                       WHERE l.user_id = $2 AND l.bank_branch_id = br.id AND l.username = $3) AS login_exists
        FROM banksync.bank_branches br JOIN banksync.banks b ON b.id = br.bank_id WHERE br.id = $1""",
        p(i.branch(), i.heavyUser(), i.loginUsername()), loginsByUser);
    explain("LoginRepository.find", "SELECT " + loginColumns + " FROM " + loginFrom + " WHERE l.id = $1",
        p(i.login()), login);
    explain("LoginRepository.listByUser", "SELECT " + loginColumns + " FROM " + loginFrom
        + " WHERE l.user_id = $1 ORDER BY l.inserted_at ASC, l.id ASC", p(i.heavyUser()), loginsByUser);
    explain("LoginRepository.listByUserAndBank", "SELECT " + loginColumns + " FROM " + loginFrom
        + " WHERE l.user_id = $1 AND b.id = $2 AND l.status <> 'INACTIVE' ORDER BY l.inserted_at ASC, l.id ASC",
        p(i.heavyUser(), i.bank()), loginsByUser);
    explain("LoginRepository.dueForSync (whether a login is due depends on its own frequency: reads ACTIVE logins)",
        "SELECT " + loginColumns + " FROM " + loginFrom + "\n" + """
         WHERE l.status = 'ACTIVE'
           AND ((coalesce(l.last_sync_at, l.inserted_at) + make_interval(secs => l.sync_frequency) <= now()
                 AND (l.last_scheduled_at IS NULL
                      OR l.last_scheduled_at + make_interval(secs => l.sync_frequency) <= now()))
             OR (l.sync_failures > 0
                 AND l.last_sync_failed_at + make_interval(secs => least(l.sync_frequency::double precision,
                       $2::double precision * power(2, least(l.sync_failures, 20) - 1))) <= now()
                 AND (l.last_scheduled_at IS NULL OR l.last_scheduled_at <= l.last_sync_failed_at)))
         ORDER BY coalesce(l.last_sync_at, l.inserted_at) ASC, l.id ASC LIMIT $1""", p(100, 60), new String[0],
        Set.of("user_bank_logins"));
    explain("LoginRepository.markSyncFailed", """
        UPDATE banksync.user_bank_logins SET sync_failures = sync_failures + 1,
            last_sync_failed_at = date_trunc('second', now()) WHERE id = $1""", p(i.login()), login);
    explain("LoginRepository.markScheduled",
        "UPDATE banksync.user_bank_logins SET last_scheduled_at = date_trunc('second', now()) WHERE id = $1",
        p(i.login()), login);
    explain("LoginRepository.delete", "DELETE FROM banksync.user_bank_logins WHERE id = $1", p(i.login()), login);
    explain("LoginRepository.saveTokens", """
        UPDATE banksync.user_bank_logins SET access_token = $2, refresh_token = $3, token_expires_at = $4,
            scope = coalesce($5, scope), updated_at = date_trunc('second', now()) WHERE id = $1""",
        p(i.login(), "a", "r", OffsetDateTime.now(ZoneOffset.UTC), "s"), login);
    explain("LoginRepository.markSynced", """
        UPDATE banksync.user_bank_logins SET last_sync_at = date_trunc('second', now()), status = 'ACTIVE',
            status_reason = NULL,
            status_changed_at = CASE WHEN status <> 'ACTIVE' THEN date_trunc('second', now()) ELSE status_changed_at END,
            updated_at = date_trunc('second', now())
        WHERE id = $1 RETURNING last_sync_at""", p(i.login()), login);
    explain("LoginRepository.markError", """
        UPDATE banksync.user_bank_logins SET status = 'ERROR', status_reason = $2,
            status_changed_at = date_trunc('second', now()), updated_at = date_trunc('second', now())
        WHERE id = $1""", p(i.login(), "bank_api_error"), login);
    explain("WebhookDeliveries.RECORD", k("WebhookDeliveries", "RECORD"), p("wh-1", "payments", 24), "webhook_deliveries_pkey");
    explain("WebhookDeliveries.PRUNE", k("WebhookDeliveries", "PRUNE"), none,
        "webhook_deliveries_expires_at_index");

    // jobs
    String job = "jobs_pkey";
    String[] paymentWorker = {"PaymentWorker"};
    UUID[] jobIds = {i.job()};
    explainNested("JobStore.ENQUEUE (uniqueness window, insert)", k("JobStore", "ENQUEUE"),
        tx -> Future.succeededFuture(p("PaymentWorker", "payments", new JsonObject().put("payment_id", "x"),
            i.jobPaymentId(), 60, 0, 5, 300, i.heavyUser(), null)),
        "jobs_worker_unique_key_inserted_at_index");
    explainNested("JobStore.CLAIM", k("JobStore", "CLAIM"),
        tx -> Future.succeededFuture(p("payments", paymentWorker, 10, "runner", 30)), "jobs_claim_index", job);
    explainNested("JobStore.FENCE", k("JobStore", "FENCE"),
        tx -> Future.succeededFuture(p(jobIds, new Integer[] {1}, "runner")), job);
    explainNested("JobStore.LOCK_EXPIRED", k("JobStore", "LOCK_EXPIRED"),
        tx -> Future.succeededFuture(p("payments", paymentWorker)), "jobs_lease_until_index");
    explainNested("JobStore.COMPLETE", k("JobStore", "COMPLETE"),
        tx -> Future.succeededFuture(p(jobIds, new Integer[] {1}, new JsonObject[] {new JsonObject()})), job);
    // jobs/V5, V6: the fence and the completion reach their jobs by primary key only, by the shape of their statements
    // (the partial index of executing jobs lists every claimed version until VACUUM: reading it made a batch's cost
    // grow with the claims since). This database's statistics alone led the planner to the primary key before V5 too;
    // JobFenceTest checks it under the statistics that did not (taken while no job was executing).
    for (String byId : List.of("JobStore.FENCE", "JobStore.COMPLETE")) {
      Plan plan = PLANS.get(byId);
      if (plan != null && !plan.indexes().equals(Set.of(job))) {
        FAILURES.add(byId + ": reads jobs through " + plan.indexes() + ", not only " + job + "\n" + plan.text());
      }
    }
    explain("JobStore.RETRY_LATER", k("JobStore", "RETRY_LATER"),
        p(i.job(), 1, OffsetDateTime.now(ZoneOffset.UTC), new JsonObject()), job);
    explain("JobStore.DEFER", k("JobStore", "DEFER"),
        p(i.job(), 1, OffsetDateTime.now(ZoneOffset.UTC), new JsonObject()), job);
    explainNested("JobStore.EXPIRE_NODE", k("JobStore", "EXPIRE_NODE"),
        tx -> Future.succeededFuture(p("payments", "%@node-gone")), "jobs_lease_until_index");
    explain("JobStore.HELD_BY_NODE", k("JobStore", "HELD_BY_NODE"), p("payments", "%@node-gone"),
        "jobs_lease_until_index");
    explain("JobStore.DEAD", k("JobStore", "DEAD"), p(i.job(), 1, new JsonObject()), job);
    explainNested("JobStore.HEARTBEAT", k("JobStore", "HEARTBEAT"), tx -> Future.succeededFuture(p(jobIds, "runner", 30)),
        job);
    explainNested("JobStore.RELEASE", k("JobStore", "RELEASE"), tx -> Future.succeededFuture(p(jobIds, "runner")), job);
    explain("JobStore.DEPTH", k("JobStore", "DEPTH"), p("payments"), "jobs_claim_index");
    explain("JobStore.PRUNE (hourly; most finished jobs qualify)", k("JobStore", "PRUNE"), p(7), new String[0],
        Set.of("jobs"));
    explain("JobStore.QUEUE_STATS (every node's gauges; every unfinished job by design)", k("JobStore", "QUEUE_STATS"),
        Tuple.tuple(), new String[0], Set.of("jobs"));
    explain("JobStore.GET", k("JobStore", "GET"), p(i.job()), job);
    explainNested("JobStore.GET_ALL", k("JobStore", "GET_ALL"), tx -> Future.succeededFuture(p((Object) jobIds)), job);
    explain("JobStore.GET_FOR_UPDATE", k("JobStore", "GET_FOR_UPDATE"), p(i.job()), job);
    explain("JobStore.REQUEUE", k("JobStore", "REQUEUE"), p(i.job()), job);
    explain("JobStore.LIST, no filter (admin; every job, newest first)", k("JobStore", "LIST"),
        p(null, null, null, 20, 0), new String[0], Set.of("jobs"));
    explain("JobStore.LIST, dead letters", k("JobStore", "LIST"), p("dead", null, null, 20, 0),
        "jobs_state_inserted_at_index");
    explain("JobStore.LIST, one queue", k("JobStore", "LIST"), p(null, "banking", null, 20, 0),
        "jobs_queue_inserted_at_id_index");
    explain("JobStore.COUNT, one queue", k("JobStore", "COUNT"), p(null, "banking", null),
        "jobs_queue_inserted_at_id_index");
    explain("JobStore.COUNT, one worker", k("JobStore", "COUNT"), p(null, null, "BankSyncWorker"),
        "jobs_worker_unique_key_inserted_at_index");
    explain("JobStore.COUNT, no filter (admin)", k("JobStore", "COUNT"), p(null, null, null), new String[0],
        Set.of("jobs"));
    explain("JobStore.COUNT, dead letters", k("JobStore", "COUNT"), p("dead", null, null),
        "jobs_state_inserted_at_index");
    explain("JobStore.CANCEL_WAITING_FOR_LOGIN", k("JobStore", "CANCEL_WAITING_FOR_LOGIN"),
        p("BankSyncWorker", i.jobLoginId()), "jobs_args_login_id_index");
  }

  // ------------------------------------------------------------------ helpers

  /** Parameters, nulls included. */
  private static Tuple p(Object... values) {
    return Tuple.from(java.util.Arrays.asList(values));
  }

  private static PaymentRepository.Filter filter(UUID user, String direction, String status, String type,
      OffsetDateTime from, OffsetDateTime to) {
    return new PaymentRepository.Filter(user, direction, status, type, from, to);
  }

  private static void list(String name, PaymentRepository.Filter f, String... indexes) {
    list(name, f, 0, indexes);
  }

  private static void list(String name, PaymentRepository.Filter f, long offset, String... indexes) {
    SqlFilter.Query q = PaymentRepository.listQuery(f, 20, offset);
    explain("PaymentRepository.list: " + name, q.sql(), q.params(), indexes);
  }

  private static void count(String name, PaymentRepository.Filter f, String... indexes) {
    SqlFilter.Query q = PaymentRepository.countQuery(f);
    explain("PaymentRepository.count: " + name, q.sql(), q.params(), indexes);
  }

  private static void transactions(String name, UUID account, String direction, OffsetDateTime from,
      OffsetDateTime to, com.ledger.platform.paging.KeysetCursor after, String... indexes) {
    SqlFilter.Query q = AccountRepository.transactionsQuery(account, direction, from, to, after, 21);
    explain("AccountRepository.transactions: " + name, q.sql(), q.params(), indexes);
  }

  /** The SQL of a private constant {@code Class.FIELD} of a repository; marks it covered. */
  private static String k(String simpleName, String field) throws Exception {
    for (String name : REPOSITORIES) {
      if (name.endsWith("." + simpleName)) return k(simpleName, field, name);
    }
    throw new IllegalArgumentException(simpleName);
  }

  private static String k(String simpleName, String field, String className) throws Exception {
    Field f = Class.forName(className).getDeclaredField(field);
    f.setAccessible(true);
    COVERED.add(simpleName + "." + field);
    return (String) f.get(null);
  }

  private static void explain(String name, String sql, Tuple params, String... indexes) {
    explain(name, sql, params, indexes, Set.of());
  }

  /**
   * The statements a call of a server-side function runs, each as auto_explain logs it (nested statements included,
   * sent to this session as notices), in a transaction that is rolled back. {@code setup} runs first in the same
   * transaction and gives the call's parameters.
   */
  private static void explainNested(String name, String sql, Function<SqlConnection, Future<Tuple>> setup,
      String... indexes) {
    explainNested(name, sql, setup, Set.of(), indexes);
  }

  private static void explainNested(String name, String sql, Function<SqlConnection, Future<Tuple>> setup,
      Set<String> seqScanAllowed, String... indexes) {
    List<JsonObject> plans = new ArrayList<>();
    SqlConnection conn = pool.getConnection().await();
    try {
      Transaction tx = conn.begin().await();
      try {
        Tuple params = setup.apply(conn).await();
        PgConnection.cast(conn).noticeHandler(n -> {
          String m = n.getMessage();
          int at = m.indexOf('{');
          if (m.startsWith("duration") && at >= 0) plans.add(new JsonObject(m.substring(at)));
        });
        for (String set : new String[] {"LOAD 'auto_explain'", "SET LOCAL auto_explain.log_min_duration = 0",
            "SET LOCAL auto_explain.log_nested_statements = on", "SET LOCAL auto_explain.log_level = 'notice'",
            "SET LOCAL auto_explain.log_format = 'json'", "SET LOCAL client_min_messages = 'notice'"}) {
          conn.query(set).execute().await();
        }
        conn.preparedQuery(sql).execute(params).await();
        conn.query("SET LOCAL auto_explain.log_min_duration = -1").execute().await();
      } finally {
        tx.rollback().await();
      }
    } catch (RuntimeException e) {
      FAILURES.add(name + ": running it under auto_explain failed: " + e.getMessage());
      return;
    } finally {
      conn.close().await();
    }
    Map<String, Set<String>> scans = new LinkedHashMap<>();
    Set<String> used = new LinkedHashSet<>();
    StringBuilder text = new StringBuilder();
    for (JsonObject plan : plans) {
      walk(plan.getJsonObject("Plan"), scans, used);
      text.append(plan.getString("Query Text")).append('\n').append(plan.getJsonObject("Plan").encodePrettily())
          .append('\n');
    }
    if (plans.isEmpty()) FAILURES.add(name + ": auto_explain logged no plan");
    check(name, new Plan(scans, used, text.toString()), indexes, seqScanAllowed);
  }

  private static String[] concat(String[] a, String... b) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b))
        .toArray(String[]::new);
  }

  /**
   * EXPLAIN the statement with these parameters (a custom plan, as the service's first executions get) and record
   * a failure unless the plan names every index given and scans no growing table sequentially except those allowed.
   */
  private static void explain(String name, String sql, Tuple params, String[] indexes, Set<String> seqScanAllowed) {
    Plan plan;
    try {
      plan = plan(pool.preparedQuery("EXPLAIN (FORMAT JSON) " + sql).execute(params).await().iterator().next());
    } catch (RuntimeException e) {
      FAILURES.add(name + ": EXPLAIN failed: " + e.getMessage());
      return;
    }
    check(name, plan, indexes, seqScanAllowed);
  }

  private static void check(String name, Plan plan, String[] indexes, Set<String> seqScanAllowed) {
    PLANS.put(name, plan);
    for (String index : indexes) {
      if (plan.indexes().contains(index)) READ_AS_EXPECTED.add(index);
      else FAILURES.add(name + ": does not use " + index + "\n" + plan.text());
    }
    for (String relation : plan.scans().keySet()) {
      String table = relation.substring(relation.indexOf('.') + 1);
      if (plan.seqScans(relation) && GROWING.contains(table) && !seqScanAllowed.contains(table)) {
        FAILURES.add(name + ": scans " + relation + " sequentially\n" + plan.text());
      }
    }
  }

  private static Plan plan(Row row) {
    Object v = row.getValue(0);
    JsonArray doc = v instanceof JsonArray a ? a : new JsonArray(v.toString());
    JsonObject root = doc.getJsonObject(0).getJsonObject("Plan");
    Map<String, Set<String>> scans = new LinkedHashMap<>();
    Set<String> indexes = new LinkedHashSet<>();
    walk(root, scans, indexes);
    return new Plan(scans, indexes, root.encodePrettily());
  }

  private static void walk(JsonObject node, Map<String, Set<String>> scans, Set<String> indexes) {
    String relation = node.getString("Relation Name");
    if (relation != null) {
      scans.computeIfAbsent(node.getString("Schema", "?") + "." + relation, r -> new LinkedHashSet<>())
          .add(node.getString("Node Type"));
    }
    if (node.getString("Index Name") != null) indexes.add(node.getString("Index Name"));
    JsonArray arbiters = node.getJsonArray("Conflict Arbiter Indexes");
    if (arbiters != null) arbiters.forEach(a -> indexes.add((String) a));
    JsonArray children = node.getJsonArray("Plans");
    if (children != null) children.forEach(c -> walk((JsonObject) c, scans, indexes));
  }

  private static Ids ids(Connection c) throws Exception {
    try (var st = c.createStatement(); ResultSet rs = st.executeQuery("""
        SELECT h.id, l.id, a.id, p.id, lg.bank_branch_id, br.bank_id, lg.id, lg.username, j.id, j.args ->> 'payment_id',
               jl.args ->> 'login_id', t.jti, t.family_id, k.key, k.user_id, tx.posted_at, tx.id
        FROM users.users h
        JOIN users.users l ON l.email = 'u1200@example.com'
        JOIN payments.user_bank_accounts a ON a.user_id = h.id AND a.account_type = 'CHECKING'
        JOIN banksync.user_bank_logins lg ON lg.user_id = h.id
        JOIN banksync.bank_branches br ON br.id = lg.bank_branch_id
        CROSS JOIN LATERAL (SELECT id FROM payments.user_payments WHERE user_id = h.id AND status = 'PENDING'
                            LIMIT 1) p
        CROSS JOIN LATERAL (SELECT id, args FROM jobs.jobs WHERE worker = 'PaymentWorker' LIMIT 1) j
        CROSS JOIN LATERAL (SELECT args FROM jobs.jobs WHERE worker = 'BankSyncWorker' LIMIT 1) jl
        CROSS JOIN LATERAL (SELECT jti, family_id FROM auth.refresh_tokens WHERE user_id = h.id LIMIT 1) t
        CROSS JOIN LATERAL (SELECT key, user_id FROM payments.idempotency_keys LIMIT 1) k
        CROSS JOIN LATERAL (SELECT posted_at, id FROM payments.transactions WHERE account_id = a.id
                            ORDER BY posted_at DESC, id DESC OFFSET 5000 LIMIT 1) tx
        WHERE h.email = 'u7@example.com'""")) {
      rs.next();
      return new Ids(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
          rs.getObject(4, UUID.class), rs.getObject(5, UUID.class), rs.getObject(6, UUID.class),
          rs.getObject(7, UUID.class), rs.getString(8), rs.getObject(9, UUID.class), rs.getString(10),
          rs.getString(11), rs.getString(12), rs.getObject(13, UUID.class), rs.getString(14),
          rs.getObject(15, UUID.class), rs.getObject(16, OffsetDateTime.class), rs.getObject(17, UUID.class));
    }
  }

  /**
   * 2,000 users (a few admins, support staff and suspended ones), a login and two accounts each; 5 payments and 5
   * ledger rows per user except u7@example.com, who has 10,000 of each (mostly completed PAYMENT debits, a few of
   * every other kind); 10,000 jobs (mostly completed, some waiting, executing, dead); 10,000 refresh tokens.
   */
  private static final String SEED = """
      INSERT INTO users.users (email, full_name, role, status, password_hash, inserted_at, updated_at)
      SELECT 'u' || i || '@example.com', 'User ' || i,
             CASE WHEN i % 100 = 0 THEN 'admin' WHEN i % 100 = 1 THEN 'support' ELSE 'user' END,
             CASE WHEN i % 50 = 0 THEN 'SUSPENDED' WHEN i % 97 = 0 THEN 'DELETED' ELSE 'ACTIVE' END, 'x',
             now() - i * interval '17 minutes', now() - (i * 7919 % 2000) * interval '3 minutes'
      FROM generate_series(1, 2000) i;

      INSERT INTO banksync.banks (name, country, code, status)
      SELECT 'Bank ' || i, (ARRAY['US','GB','DE'])[1 + i % 3], 'BANK_' || i, 'ACTIVE' FROM generate_series(1, 10) i;
      INSERT INTO banksync.bank_branches (name, country, bank_id)
      SELECT 'Branch ' || b.name || ' ' || k, b.country, b.id FROM banksync.banks b, generate_series(1, 2) k;

      INSERT INTO banksync.user_bank_logins (username, status, user_id, bank_branch_id, inserted_at, last_sync_at)
      SELECT 'login' || n, CASE WHEN n % 20 = 0 THEN 'ERROR' ELSE 'ACTIVE' END, u.id,
             (SELECT array_agg(id ORDER BY name) FROM banksync.bank_branches)[1 + n % 20], u.inserted_at,
             now() - (n % 120) * interval '1 minute'
      FROM (SELECT id, inserted_at, substring(email FROM 'u([0-9]+)@')::int AS n FROM users.users) u;

      INSERT INTO payments.user_bank_accounts (currency, account_type, balance, last_four, account_name, status,
          external_account_id, user_bank_login_id, user_id, inserted_at)
      SELECT 'USD', t, 1000, '1234', 'Account', 'ACTIVE',
             CASE WHEN t = 'CHECKING' THEN 'EXT' || replace(l.id::text, '-', '') END, l.id, l.user_id, l.inserted_at
      FROM banksync.user_bank_logins l, unnest(ARRAY['CHECKING','SAVINGS']) t;

      INSERT INTO payments.user_payments (amount, direction, description, payment_type, status, posted_at,
          user_bank_account_id, user_id, inserted_at, updated_at)
      SELECT 1 + i % 100, CASE WHEN i % 10 = 0 THEN 'CREDIT' ELSE 'DEBIT' END, 'payment ' || i,
             CASE WHEN i % 100 < 90 THEN 'PAYMENT' WHEN i % 100 < 98 THEN 'TRANSFER'
                  WHEN i % 100 = 98 THEN 'DEPOSIT' ELSE 'WITHDRAWAL' END,
             CASE WHEN i % 100 < 3 THEN 'PENDING' WHEN i % 100 = 3 THEN 'FAILED' WHEN i % 100 = 4 THEN 'CANCELLED'
                  ELSE 'COMPLETED' END,
             CASE WHEN i % 100 >= 5 THEN now() - (n - i) * interval '1 minute' END,
             a.id, a.user_id, now() - (n - i) * interval '1 minute', now()
      FROM (SELECT a.*, CASE WHEN u.email = 'u7@example.com' THEN 10000 ELSE 5 END AS n
            FROM payments.user_bank_accounts a JOIN users.users u ON u.id = a.user_id
            WHERE a.account_type = 'CHECKING') a, generate_series(1, a.n) i;

      INSERT INTO payments.transactions (description, amount, direction, posted_at, account_id, user_id,
          external_transaction_id, inserted_at)
      SELECT 'txn ' || i, 1 + i % 100, CASE WHEN i % 10 = 0 THEN 'CREDIT' ELSE 'DEBIT' END,
             now() - (n - i) * interval '1 minute', a.id, a.user_id, CASE WHEN i % 3 = 0 THEN 'X' || i END,
             now() - (n - i) * interval '1 minute'
      FROM (SELECT a.*, CASE WHEN u.email = 'u7@example.com' THEN 10000 ELSE 5 END AS n
            FROM payments.user_bank_accounts a JOIN users.users u ON u.id = a.user_id
            WHERE a.account_type = 'CHECKING') a, generate_series(1, a.n) i;

      INSERT INTO jobs.jobs (worker, queue, state, args, unique_key, user_id, locked_by, lease_until, inserted_at,
          scheduled_at, attempted_at, completed_at, dead_at, cancelled_at, attempt)
      SELECT w, q, s, jsonb_build_object(CASE WHEN q = 'banking' THEN 'login_id' ELSE 'payment_id' END, key), key,
             (SELECT id FROM users.users WHERE email = 'u' || (1 + i % 2000) || '@example.com'),
             CASE WHEN s = 'executing' THEN 'runner' END,
             CASE WHEN s = 'executing' THEN now() + CASE WHEN i % 2 = 0 THEN interval '30 seconds'
                                                          ELSE interval '-5 minutes' END END,
             now() - (10000 - i) * interval '4 minutes',
             CASE WHEN s = 'scheduled' THEN now() + interval '1 hour' ELSE now() - (10000 - i) * interval '4 minutes' END,
             now() - (10000 - i) * interval '4 minutes',
             CASE WHEN s = 'completed' THEN now() - (10000 - i) * interval '4 minutes' END,
             CASE WHEN s = 'dead' THEN now() - (10000 - i) * interval '4 minutes' END,
             CASE WHEN s = 'cancelled' THEN now() END, 1
      FROM (SELECT i, CASE WHEN i % 5 = 0 THEN 'BankSyncWorker' ELSE 'PaymentWorker' END AS w,
                   CASE WHEN i % 5 = 0 THEN 'banking' ELSE 'payments' END AS q,
                   CASE WHEN i % 100 < 88 OR i % 100 > 97 THEN 'completed' WHEN i % 100 < 91 THEN 'available'
                        WHEN i % 100 < 93 THEN 'executing' WHEN i % 100 = 93 THEN 'retryable'
                        WHEN i % 100 < 96 THEN 'dead' WHEN i % 100 = 96 THEN 'scheduled' ELSE 'cancelled' END AS s,
                   gen_random_uuid()::text AS key
            FROM generate_series(1, 10000) i) j;

      INSERT INTO auth.refresh_tokens (jti, family_id, user_id, expires_at, revoked_at, revoked_reason)
      SELECT 'jti-' || i, md5('family' || (i / 3))::uuid,
             (SELECT id FROM users.users WHERE email = 'u' || (1 + i % 2000) || '@example.com'),
             now() + (i % 10 - 1) * interval '1 day' - interval '2 days' * (i % 10 = 0)::int,
             CASE WHEN i % 10 < 7 THEN now() END, CASE WHEN i % 10 < 7 THEN 'rotated' END
      FROM generate_series(1, 10000) i;

      INSERT INTO auth.audit_events (event, user_id, details)
      SELECT 'logout', id, '{}' FROM users.users;

      INSERT INTO payments.idempotency_keys (user_id, key, fingerprint, state, created_at, expires_at)
      SELECT u.id, 'key-' || k, repeat('a', 64), 'completed', now() - k * interval '1 hour',
             now() + (24 - k) * interval '1 hour' - interval '26 hours' * (k = 1)::int
      FROM users.users u, generate_series(1, 3) k;

      INSERT INTO payments.reconciliations (bank_login_id, status, matched)
      SELECT id, 'COMPLETED', 5 FROM banksync.user_bank_logins;

      INSERT INTO banksync.webhook_deliveries (webhook_id, provider, received_at, expires_at)
      SELECT 'wh-' || i, 'payments', now() - i * interval '1 minute',
             now() + interval '24 hours' - i * interval '1 minute' - interval '2 days' * (i % 50 = 0)::int
      FROM generate_series(1, 2000) i;
      """;
}
