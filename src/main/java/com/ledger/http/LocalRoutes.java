package com.ledger.http;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.bus.Envelope;
import com.ledger.platform.errors.ErrorCategory;
import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.errors.ProblemRegistry;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Map;

/** Operations the HTTP verticle answers itself: the problems registry (health, metrics and docs live beside). */
final class LocalRoutes {
  private LocalRoutes() {}

  static Map<String, Handler<RoutingContext>> problems() {
    return Map.of(
        "problems.list", rc -> ok(rc, ProblemRegistry.list(), new JsonObject()
            .put("total_errors", ProblemRegistry.entries().size())
            .put("categories", ProblemRegistry.CATEGORIES)
            .put("api_version", "v1")
            .put("last_updated", ProblemRegistry.LAST_UPDATED)),
        "problems.get", rc -> {
          String reason = rc.pathParam("reason");
          ErrorCode code = ErrorCode.ofReason(reason).filter(c -> c.catalogued).orElse(null);
          if (code == null) {
            rc.fail(LedgerException.field(INVALID_REASON_FORMAT, "reason", "Unknown error reason"));
            return;
          }
          ok(rc, ProblemRegistry.detailed(code), new JsonObject());
        },
        "problems.by-category", rc -> {
          String name = rc.pathParam("category");
          ErrorCategory cat = ErrorCategory.fromWire(name).orElse(null);
          if (cat == null) {
            ErrorCode reason = name != null && name.matches("^[a-z_]+$") ? INVALID_CATEGORY : INVALID_CATEGORY_FORMAT;
            rc.fail(LedgerException.field(reason, "category", "Unknown error category"));
            return;
          }
          var entries = ProblemRegistry.byCategory(cat);
          ok(rc, entries, new JsonObject().put("category", cat.wireName()).put("total_errors", entries.size())
              .put("http_status", cat.status));
        });
  }

  static void ok(RoutingContext rc, Object data, JsonObject metadata) {
    rc.response().setStatusCode(200).putHeader("Content-Type", "application/json")
        .end(Envelope.of(data, metadata, Correlation.id(rc), Instant.now()).encode());
  }
}
