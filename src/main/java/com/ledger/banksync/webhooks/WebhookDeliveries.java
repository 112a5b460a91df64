package com.ledger.banksync.webhooks;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Replay protection ({@code banksync.webhook_deliveries}): a delivery id is remembered for 24 h. Recording is an
 * upsert that only takes over an expired row, so exactly one of two concurrent deliveries of one id wins.
 */
public final class WebhookDeliveries {
  public static final int MAX_ID_LENGTH = 255;
  private static final String RECORD = """
      INSERT INTO banksync.webhook_deliveries (webhook_id, provider, received_at, expires_at)
      VALUES ($1, $2, date_trunc('second', now()), date_trunc('second', now()) + make_interval(hours => $3))
      ON CONFLICT (webhook_id) DO UPDATE SET provider = EXCLUDED.provider, received_at = EXCLUDED.received_at,
          expires_at = EXCLUDED.expires_at
      WHERE banksync.webhook_deliveries.expires_at <= now()
      RETURNING webhook_id""";
  private static final String PRUNE = "DELETE FROM banksync.webhook_deliveries WHERE expires_at <= now()";

  /** True when this id is new (or its previous record expired); false for a replay within the window. */
  public Future<Boolean> record(SqlClient db, String webhookId, WebhookProvider provider, int retentionHours) {
    return db.preparedQuery(RECORD)
        .execute(Tuple.of(webhookId, provider.path, retentionHours)).map(rows -> rows.size() > 0);
  }

  /** Forget expired delivery ids; returns how many. */
  public Future<Integer> prune(SqlClient db) {
    return db.query(PRUNE).execute()
        .map(rs -> rs.rowCount());
  }
}
