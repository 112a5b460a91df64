package com.ledger.payments;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL of the bank-sync import ({@link SyncImportConsumer} decides): synced accounts and transactions upserted by their
 * external ids into {@code payments.user_bank_accounts} and {@code payments.transactions}.
 */
final class SyncImportRepository {
  private static final String UPSERT_ACCOUNT = """
      INSERT INTO payments.user_bank_accounts (currency, account_type, balance, last_four, account_name, status,
          last_sync_at, external_account_id, user_bank_login_id, user_id, inserted_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, date_trunc('second', now()), $7, $8, $9,
              date_trunc('second', now()), date_trunc('second', now()))
      ON CONFLICT (external_account_id) WHERE external_account_id IS NOT NULL DO UPDATE
         SET account_name = EXCLUDED.account_name, last_four = EXCLUDED.last_four, status = EXCLUDED.status,
             last_sync_at = EXCLUDED.last_sync_at, updated_at = EXCLUDED.updated_at
       WHERE payments.user_bank_accounts.user_bank_login_id = EXCLUDED.user_bank_login_id
      RETURNING id, (xmax = 0) AS created""";
  private static final String INSERT_TRANSACTIONS = """
      INSERT INTO payments.transactions (description, amount, direction, posted_at, account_id, user_id,
          external_transaction_id, inserted_at, updated_at)
      SELECT t.d, t.a::numeric, t.dir, t.p::timestamptz, $6, $7, t.x, date_trunc('second', now()), date_trunc('second', now())
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(d, a, dir, p, x)
      ON CONFLICT (account_id, external_transaction_id) WHERE external_transaction_id IS NOT NULL DO NOTHING
      RETURNING id""";

  /** The account upserted: its id, and whether this statement created it. */
  record Upserted(UUID id, boolean created) {}

  /** Empty when the external id belongs to another login (never taken over). */
  Future<Optional<Upserted>> upsertAccount(SqlClient tx, String currency, String accountType, BigDecimal balance,
      String lastFour, String accountName, String status, String externalAccountId, UUID loginId, UUID userId) {
    Tuple t = Tuple.of(currency, accountType, balance, lastFour, accountName, status, externalAccountId, loginId,
        userId);
    return tx.preparedQuery(UPSERT_ACCOUNT).execute(t).map(rows -> {
      if (rows.size() == 0) return Optional.<Upserted>empty();
      Row row = rows.iterator().next();
      return Optional.of(new Upserted(row.getUUID("id"), row.getBoolean("created")));
    });
  }

  /** The transactions not imported before (by external id); how many were inserted. */
  Future<Integer> insertTransactions(SqlClient tx, UUID accountId, UUID userId, String[] description, String[] amount,
      String[] direction, String[] postedAt, String[] externalId) {
    return tx.preparedQuery(INSERT_TRANSACTIONS)
        .execute(Tuple.of(description, amount, direction, postedAt, externalId, accountId, userId))
        .map(rows -> rows.size());
  }
}
