package com.ledger.payments;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.config.PaymentsConfig;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.jobs.Jobs;
import com.ledger.platform.paging.Paging;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** The read-only payment routes: list, get, status, stats. */
final class PaymentQueries {
  private final Pool pool;
  private final PaymentsConfig cfg;
  private final PaymentRepository payments;
  private final AccountRepository accounts;

  PaymentQueries(Pool pool, PaymentsConfig cfg, PaymentRepository payments, AccountRepository accounts) {
    this.pool = pool;
    this.cfg = cfg;
    this.payments = payments;
    this.accounts = accounts;
  }

  /** The caller's payments (admins too), filters in the order direction, status, payment_type, date_from, date_to. */
  Future<ApiReply> list(ApiRequest req) {
    Caller c = Requests.caller(req);
    String direction = QueryParams.enumFilter(req.queryParam("direction"), "direction", PaymentInput.DIRECTIONS,
        INVALID_DIRECTION);
    String status = QueryParams.enumFilter(req.queryParam("status"), "status", PaymentInput.STATUSES, INVALID_STATUS);
    String type = QueryParams.enumFilter(req.queryParam("payment_type"), "payment_type", PaymentInput.TYPES,
        INVALID_PAYMENT_TYPE);
    OffsetDateTime from = QueryParams.dateTime(req.queryParam("date_from"), "date_from");
    OffsetDateTime to = QueryParams.dateTime(req.queryParam("date_to"), "date_to");
    int page = Paging.page(req.queryParam("page"));
    int size = Paging.pageSize(req.queryParam("page_size"));
    var filter = new PaymentRepository.Filter(Requests.callerId(c), direction, status, type, from, to);
    Future<List<Payment>> rows = payments.list(pool, filter, size, Paging.offset(page, size));
    Future<Long> total = payments.count(pool, filter);
    return Future.all(rows, total).map(all -> ApiReply.ok(json(rows.result()), new JsonObject().put("action", "listed")
        .put("pagination", Paging.offsetMetadata(page, size, total.result(), true))));
  }

  Future<ApiReply> get(ApiRequest req) {
    Caller c = Requests.caller(req);
    return visible(c, Requests.pathId(req))
        .map(p -> ApiReply.ok(p.toJson(), new JsonObject().put("action", "retrieved")));
  }

  /** {@code {payment, can_process, is_duplicate, job}}. */
  Future<ApiReply> status(ApiRequest req) {
    Caller c = Requests.caller(req);
    return visible(c, Requests.pathId(req)).compose(p -> {
      Future<PaymentRepository.RuleFacts> facts = payments.ruleFacts(pool, p, cfg.duplicateWindowMinutes());
      Future<JsonObject> job = Jobs.latest(pool, PaymentsApi.WORKER, p.id().toString());
      return Future.all(facts, job).map(all -> ApiReply.ok(new JsonObject()
          .put("payment", p.toJson())
          .put("can_process", PaymentAccess.canProcess(c, p))
          .put("is_duplicate", facts.result().duplicate())
          .put("job", job.result()), new JsonObject().put("action", "status_retrieved")));
    });
  }

  /** Admin only (the edge checked the role): the caller's own financial health and 10 newest payments. */
  Future<ApiReply> stats(ApiRequest req) {
    UUID me = Requests.callerId(Requests.caller(req));
    Future<JsonObject> health = accounts.financialHealth(pool, me);
    Future<List<Payment>> recent = payments.recent(pool, me, 10);
    return Future.all(health, recent).map(all -> ApiReply.ok(new JsonObject()
        .put("financial_health", health.result()).put("recent_payments", json(recent.result())),
        new JsonObject().put("action", "stats_retrieved")));
  }

  /** exists (404 payment_not_found) → owner, admin or support (403 insufficient_permissions). */
  private Future<Payment> visible(Caller c, UUID id) {
    return payments.get(pool, id).map(found -> {
      Payment p = found.orElseThrow(() -> new LedgerException(PAYMENT_NOT_FOUND, "Payment not found"));
      if (!PaymentAccess.canView(c, p.userId().toString())) {
        throw new LedgerException(INSUFFICIENT_PERMISSIONS, "You may not view this payment");
      }
      return p;
    });
  }

  private static JsonArray json(List<Payment> ps) {
    JsonArray a = new JsonArray();
    for (Payment p : ps) a.add(p.toJson());
    return a;
  }
}
