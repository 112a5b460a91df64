package com.ledger.banksync;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.banksync.webhooks.WebhookDeliveries;
import com.ledger.banksync.webhooks.WebhookPayloads;
import com.ledger.banksync.webhooks.WebhookProvider;
import com.ledger.banksync.webhooks.WebhookSignature;
import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.config.WebhooksConfig;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.json.JsonLiterals;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhooks of SPEC.md §9. Order per request: secret configured → signature over the raw body (401
 * {@code unauthorized}) → payload (400 {@code webhook_processing_failed}) → replay check on {@code X-Webhook-Id}
 * (a replay within 24 h is acknowledged with {@code replayed: true} and not applied again) → effect → 200.
 * The bank-sync webhook schedules a sync of the user's logins at that bank (in the same transaction that records
 * the delivery id); the other two validate, audit-log and acknowledge.
 */
final class WebhooksHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WebhooksHandler.class);
  private static final int RETENTION_HOURS = 24;

  private final WebhooksConfig cfg;
  private final Pool pool;
  private final LoginRepository logins;
  private final SyncJobs jobs;
  private final WebhookDeliveries deliveries = new WebhookDeliveries();

  WebhooksHandler(WebhooksConfig cfg, Pool pool, LoginRepository logins, SyncJobs jobs) {
    this.cfg = cfg;
    this.pool = pool;
    this.logins = logins;
    this.jobs = jobs;
  }

  /** An effect applied once per delivery: the ack data for a first delivery. */
  private interface Effect extends BiFunction<SqlClient, JsonObject, Future<JsonObject>> {}

  Future<ApiReply> list(ApiRequest req) {
    JsonArray hooks = new JsonArray()
        .add(info("/api/webhooks/payments/status", "Payment status updates from payment providers",
            new JsonObject().put("payment_id", "0b6f1f8e-3c1a-4a57-9a39-2b2e6f0d9c11").put("status", "completed")
                .put("amount", "100.00")))
        .add(info("/api/webhooks/banks/sync", "Bank account synchronisation notifications",
            new JsonObject().put("user_id", "0b6f1f8e-3c1a-4a57-9a39-2b2e6f0d9c11")
                .put("bank_id", "7e3b1c2d-4f5a-4b6c-8d7e-9f0a1b2c3d4e").put("accounts_synced", 2)))
        .add(info("/api/webhooks/fraud/detection", "Fraud detection alerts",
            new JsonObject().put("payment_id", "0b6f1f8e-3c1a-4a57-9a39-2b2e6f0d9c11").put("severity", "high")
                .put("risk_score", 0.92).put("recommended_action", "block")));
    return Future.succeededFuture(ApiReply.ok(new JsonObject().put("webhooks", hooks).put("total_count", hooks.size())
        .put("documentation_url", "https://docs.ledgerbank.com/webhooks"), new JsonObject()));
  }

  Future<ApiReply> provider(ApiRequest req) {
    WebhookProvider p = WebhookProvider.fromPath(req.pathParam("provider"))
        .orElseThrow(() -> new LedgerException(UNAUTHORIZED, "Unknown webhook provider"));
    return switch (p) {
      case PAYMENTS -> paymentStatus(req);
      case BANKS -> bankSync(req);
      case FRAUD -> fraud(req);
    };
  }

  Future<ApiReply> paymentStatus(ApiRequest req) {
    JsonLiterals.Decoded body = authenticate(req, WebhookProvider.PAYMENTS);
    if ("unknown_provider".equals(req.header("x-webhook-provider"))) {
      throw new LedgerException(UNAUTHORIZED, "Unknown webhook provider");
    }
    WebhookPayloads.PaymentStatus p = WebhookPayloads.paymentStatus(body.object(), body.numbers());
    JsonObject ack = new JsonObject().put("message", "Payment status updated successfully")
        .put("payment_id", p.paymentId()).put("status", p.status());
    return deliver(req, WebhookProvider.PAYMENTS, ack, (tx, a) -> Future.succeededFuture(a),
        new JsonObject().put("payment_id", p.paymentId()).put("status", p.status()));
  }

  Future<ApiReply> bankSync(ApiRequest req) {
    JsonLiterals.Decoded body = authenticate(req, WebhookProvider.BANKS);
    WebhookPayloads.BankSync p = WebhookPayloads.bankSync(body.object(), body.numbers());
    JsonObject ack = new JsonObject().put("message", "Account sync completed successfully")
        .put("user_id", p.userId()).put("accounts_synced", p.accountsSynced()).put("sync_jobs", new JsonArray());
    // ids are opaque: only a user id and a bank id that are UUIDs can name our rows; anything else schedules nothing
    var userId = WebhookPayloads.asUuid(p.userId());
    var bankId = WebhookPayloads.asUuid(p.bankId());
    Effect schedule = userId.isEmpty() || bankId.isEmpty() ? (tx, a) -> Future.succeededFuture(a)
        : (tx, a) -> logins.listByUserAndBank(tx, userId.get(), bankId.get()).compose(list -> {
      List<Future<SyncTicket>> tickets = new ArrayList<>();
      // sequential: one transaction, one statement at a time
      Future<Void> chain = Future.succeededFuture();
      for (BankLogin l : list) {
        chain = chain.compose(v -> {
          Future<SyncTicket> t = jobs.schedule(tx, l);
          tickets.add(t);
          return t.mapEmpty();
        });
      }
      return chain.map(v -> {
        JsonArray out = new JsonArray();
        tickets.forEach(t -> out.add(new JsonObject().put("login_id", t.result().loginId().toString())
            .put("job_id", t.result().jobId().toString()).put("duplicate", t.result().duplicate())));
        return a.put("sync_jobs", out);
      });
    });
    return deliver(req, WebhookProvider.BANKS, ack, schedule,
        new JsonObject().put("user_id", p.userId()).put("bank_id", p.bankId()))
        .onSuccess(r -> jobs.wake());
  }

  Future<ApiReply> fraud(ApiRequest req) {
    JsonLiterals.Decoded body = authenticate(req, WebhookProvider.FRAUD);
    WebhookPayloads.Fraud p = WebhookPayloads.fraud(body.object(), body.numbers());
    JsonObject ack = new JsonObject().put("message", "Fraud detection processed successfully")
        .put("payment_id", p.paymentId()).put("severity", p.severity()).put("action_taken", p.recommendedAction());
    return deliver(req, WebhookProvider.FRAUD, ack, (tx, a) -> Future.succeededFuture(a),
        new JsonObject().put("payment_id", p.paymentId()).put("severity", p.severity()));
  }

  /**
   * Secret configured, then the signature over the raw body bytes, then the body must be a JSON object: decoded here
   * with the literal text of its numbers (the edge leaves raw-body operations alone). An empty body is {}.
   */
  private JsonLiterals.Decoded authenticate(ApiRequest req, WebhookProvider provider) {
    verifySignature(req, provider);
    String raw = req.rawBody();
    if (raw == null || raw.isBlank()) return JsonLiterals.EMPTY;
    try {
      JsonLiterals.Decoded d = JsonLiterals.decode(raw);
      if (d.value() instanceof JsonObject) return d;
    } catch (DecodeException malformed) {
      // answered below
    }
    throw new LedgerException(WEBHOOK_PROCESSING_FAILED, "The webhook body must be a JSON object",
        new JsonObject().put("message", "The webhook body must be a JSON object"));
  }

  private void verifySignature(ApiRequest req, WebhookProvider provider) {
    String secret = provider.secret(cfg);
    if (secret == null) {
      throw new LedgerException(CONFIGURATION_ERROR, "The " + provider.path + " webhook secret is not configured");
    }
    String raw = req.rawBody() == null ? "" : req.rawBody();
    if (!WebhookSignature.verify(secret, raw.getBytes(StandardCharsets.UTF_8), req.header("x-webhook-signature"))) {
      LOG.atWarn().addKeyValue("cid", req.correlationId()).addKeyValue("provider", provider.path)
          .addKeyValue("ip", req.clientIp()).addKeyValue("signed", req.header("x-webhook-signature") != null)
          .log("webhook.signature_rejected");
      throw new LedgerException(UNAUTHORIZED, "Missing or invalid webhook signature");
    }
  }

  /** Replay check and effect in one transaction; the audit line; the ack. */
  private Future<ApiReply> deliver(ApiRequest req, WebhookProvider provider, JsonObject ack, Effect effect,
      JsonObject audit) {
    String webhookId = req.header("x-webhook-id");
    if (webhookId != null && webhookId.isBlank()) webhookId = null;
    if (webhookId != null && webhookId.length() > WebhookDeliveries.MAX_ID_LENGTH) {
      throw new LedgerException(WEBHOOK_PROCESSING_FAILED, "X-Webhook-Id is too long",
          new JsonObject().put("field", "x-webhook-id").put("message", "X-Webhook-Id must be at most 255 characters"));
    }
    String id = webhookId;
    Future<JsonObject> applied = pool.withTransaction(tx -> {
      Future<Boolean> fresh = id == null ? Future.succeededFuture(true) : deliveries.record(tx, id, provider, RETENTION_HOURS);
      return fresh.compose(isNew -> isNew ? effect.apply(tx, ack.copy()).map(a -> a.put("replayed", false))
          : Future.succeededFuture(ack.copy().put("replayed", true)));
    });
    return applied.map(data -> {
      boolean replayed = data.getBoolean("replayed");
      LOG.atInfo().addKeyValue("cid", req.correlationId()).addKeyValue("provider", provider.path)
          .addKeyValue("webhookId", id).addKeyValue("replayed", replayed).addKeyValue("ip", req.clientIp())
          .addKeyValue("payload", audit.encode()).log("webhook.received");
      data.put("timestamp", Instant.ofEpochSecond(Instant.now().getEpochSecond()).toString());
      if (!replayed) data.remove("replayed");
      return ApiReply.ok(data, new JsonObject().put("webhook_id", id).put("replayed", replayed));
    });
  }

  private static JsonObject info(String endpoint, String description, JsonObject example) {
    return new JsonObject().put("endpoint", endpoint).put("method", "POST").put("description", description)
        .put("required_headers", new JsonArray().add("x-webhook-signature")).put("example_payload", example);
  }

  /** Forget expired delivery ids (periodic). */
  Future<Integer> prune() {
    return deliveries.prune(pool);
  }
}
