package com.ledger.support;

import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.BusCodecs;
import com.ledger.platform.bus.Replies;
import com.ledger.platform.config.AppConfig;
import com.ledger.platform.db.Migrations;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The middle test tier: one context's verticle on a plain Vert.x (no HTTP edge, no cluster, no other context) against
 * a fresh, migrated database. Requests go to its address as the {@link ApiRequest} the HTTP edge would send; a
 * failure comes back as the {@link LedgerException} the verticle raised. What it cannot show: contract validation,
 * authentication and the problem+json rendering (the black-box tier, {@link TestApp}, does).
 */
public final class BusTier implements AutoCloseable {
  private static final long TIMEOUT_SECONDS = 30;

  public final Vertx vertx;
  public final AppConfig cfg;
  public final Db db;

  private BusTier(Vertx vertx, AppConfig cfg) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.db = new Db(cfg.db().url());
  }

  /** Migrates a fresh database, then deploys {@code verticle} (made from the test configuration) and waits for it. */
  public static BusTier deploy(Function<AppConfig, Deployable> verticle) {
    Map<String, Object> settings = TestApp.settings(Map.of());
    settings.put("db.url", TestDatabase.fresh());
    AppConfig cfg = TestApp.config(settings);
    Migrations.migrate(cfg.db());
    Vertx vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    BusTier tier = new BusTier(vertx, cfg);
    try {
      vertx.deployVerticle(verticle.apply(cfg)).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      tier.close();
      throw new IllegalStateException("deploy failed", e);
    }
    return tier;
  }

  /** The verticle's reply; a failure is thrown as its {@link LedgerException}. */
  public ApiReply send(ApiRequest req) {
    try {
      return vertx.eventBus().<Object>request(req.operationId(), req, new DeliveryOptions()
          .setSendTimeout(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS))).map(m -> BusCodecs.reply(m.body()))
          .await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (LedgerException e) {
      throw e;
    } catch (Exception e) {
      throw Replies.toLedger(e);
    }
  }

  /** A request to {@code operationId} as the edge builds it; {@code principal} is the caller's claims (null: anonymous). */
  public static ApiRequest request(String operationId, JsonObject principal, JsonObject path, JsonObject query,
      JsonObject body) {
    return new ApiRequest(operationId, principal, orEmpty(path), orEmpty(query), new JsonObject(), orEmpty(body), null,
        UUID.randomUUID().toString().replace("-", ""), "127.0.0.1", "GET", "/", new JsonObject());
  }

  /** The claims of an access token for this user (what BearerAuth hands on). */
  public static JsonObject claims(TestUsers.User u) {
    return new JsonObject().put("sub", u.id().toString()).put("role", u.role()).put("email", u.email())
        .put("sid", UUID.randomUUID().toString()).put("type", "access");
  }

  private static JsonObject orEmpty(JsonObject o) {
    return o == null ? new JsonObject() : o;
  }

  @Override
  public void close() {
    try {
      vertx.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      // best effort
    } finally {
      TestDatabase.drop(cfg.db().url());
    }
  }
}
