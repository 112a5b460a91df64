package com.ledger.payments;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Caller;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.paging.KeysetCursor;
import com.ledger.platform.paging.Paging;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** The account routes (SPEC.md §2.6): list, get, transactions (keyset). */
final class AccountQueries {
  private final Pool pool;
  private final AccountRepository accounts;
  private final LedgerRepository ledger;

  AccountQueries(Pool pool, AccountRepository accounts, LedgerRepository ledger) {
    this.pool = pool;
    this.accounts = accounts;
    this.ledger = ledger;
  }

  /** The caller's own accounts, every status (admins too see only their own). */
  Future<ApiReply> list(ApiRequest req) {
    UUID me = Requests.callerId(Requests.caller(req));
    return accounts.byUser(pool, me).map(accounts -> {
      JsonArray data = new JsonArray();
      for (Account a : accounts) data.add(a.toJson());
      return ApiReply.ok(data, new JsonObject().put("action", "listed").put("total_count", accounts.size()));
    });
  }

  Future<ApiReply> get(ApiRequest req) {
    Caller c = Requests.caller(req);
    return visible(c, Requests.pathId(req))
        .map(a -> ApiReply.ok(a.toJson(), new JsonObject().put("action", "retrieved")));
  }

  /** Order posted_at desc, id desc; filters direction, date_from/date_to on posted_at; keyset by {posted_at, id}. */
  Future<ApiReply> transactions(ApiRequest req) {
    Caller c = Requests.caller(req);
    return visible(c, Requests.pathId(req)).compose(a -> {
      String direction = QueryParams.enumFilter(req.queryParam("direction"), "direction", PaymentInput.DIRECTIONS,
          INVALID_DIRECTION);
      OffsetDateTime from = QueryParams.dateTime(req.queryParam("date_from"), "date_from");
      OffsetDateTime to = QueryParams.dateTime(req.queryParam("date_to"), "date_to");
      int limit = Paging.pageSize(req.queryParam("limit"));
      KeysetCursor after = QueryParams.cursor(req.queryParam("cursor"));
      return accounts.transactions(pool, a.id(), direction, from, to, after, limit + 1).map(rows -> {
        boolean more = rows.size() > limit;
        List<LedgerEntry> page = more ? rows.subList(0, limit) : rows;
        JsonArray data = new JsonArray();
        for (LedgerEntry t : page) data.add(t.toJson());
        JsonObject pagination = new JsonObject().put("type", "keyset").put("limit", limit).put("has_more", more)
            .put("next_cursor", more ? page.get(page.size() - 1).cursor() : null);
        return ApiReply.ok(data, new JsonObject().put("pagination", pagination));
      });
    });
  }

  /** The balance from the journal at {@code at} (RFC 3339; absent = now). Same access as GET account. */
  Future<ApiReply> balance(ApiRequest req) {
    Caller c = Requests.caller(req);
    return visible(c, Requests.pathId(req)).compose(a -> {
      OffsetDateTime at = QueryParams.dateTime(req.queryParam("at"), "at");
      return ledger.balanceAt(pool, a.id(), at).map(b -> ApiReply.ok(new JsonObject()
          .put("account_id", a.id().toString()).put("currency", a.currency()).put("balance", Money.format(b))
          .put("at", at == null ? null : at.toInstant().toString()), new JsonObject().put("action", "retrieved")));
    });
  }

  private Future<Account> visible(Caller c, UUID id) {
    return accounts.get(pool, id).map(found -> {
      Account a = found.orElseThrow(() -> new LedgerException(ACCOUNT_NOT_FOUND, "Account not found"));
      if (!PaymentAccess.canView(c, a.userId().toString())) {
        throw new LedgerException(INSUFFICIENT_PERMISSIONS, "You may not view this account");
      }
      return a;
    });
  }
}
