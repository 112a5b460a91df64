package com.ledger.payments;

import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.bus.ApiReply;
import com.ledger.platform.bus.ApiRequest;
import com.ledger.platform.bus.Consumers;
import com.ledger.platform.bus.Replies;
import com.ledger.platform.config.AppConfig.DbConfig;
import com.ledger.platform.config.PaymentsConfig;
import com.ledger.platform.db.Pools;
import com.ledger.platform.idempotency.Idempotency;
import com.ledger.platform.observability.Meters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Owns the {@code payments} schema and serves the payments.* and accounts.* addresses. */
public final class PaymentsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentsVerticle.class);
  private static final long PURGE_EVERY_MS = 3_600_000;

  private final DbConfig db;
  private final PaymentsConfig payments;
  private final String registryName;
  private Pool pool;
  private long purgeTimer = -1;

  /** @param registryName the node's meter registry (null: meters kept to this verticle) */
  public PaymentsVerticle(DbConfig db, PaymentsConfig payments, String registryName) {
    this.db = db;
    this.payments = payments;
    this.registryName = registryName;
  }

  @Override
  public Future<?> start() {
    pool = Pools.shared(vertx, db);
    PaymentRepository paymentRepository = new PaymentRepository();
    AccountRepository accountRepository = new AccountRepository();
    PaymentService service = new PaymentService(vertx, pool, payments, paymentRepository, accountRepository,
        Meters.registry(registryName));
    Idempotency keys = new Idempotency(vertx, pool, payments.idempotency());
    PaymentQueries queries = new PaymentQueries(pool, payments, paymentRepository, accountRepository);
    AccountQueries accounts = new AccountQueries(pool, accountRepository, new LedgerRepository());
    List<Future<Void>> registered = new ArrayList<>();
    EventBus bus = vertx.eventBus();
    serve(bus, registered, PaymentsApi.CREATE, service::create);
    serve(bus, registered, PaymentsApi.VALIDATE, service::validate);
    // The posting routes run on the HTTP event loop that took the request (Lanes): PaymentService is stateless (the
    // shared pool, the config) and the posting is one statement, so the hop to this verticle's event loop and back
    // was most of the request's cost outside PostgreSQL (issue 8 profile: one loop ran this verticle, half the HTTP
    // requests and most connections). The cluster-wide addresses stay served here.
    registered.add(Consumers.lane(vertx, PaymentsApi.PROCESS, service::process));
    registered.add(Consumers.lane(vertx, PaymentsApi.PROCESS_ASYNC, service::processAsync));
    serve(bus, registered, PaymentsApi.CANCEL, service::cancel);
    serve(bus, registered, PaymentsApi.LIST, queries::list);
    serve(bus, registered, PaymentsApi.GET, queries::get);
    serve(bus, registered, PaymentsApi.STATUS, queries::status);
    serve(bus, registered, PaymentsApi.STATS, queries::stats);
    serve(bus, registered, PaymentsApi.ACCOUNTS_LIST, accounts::list);
    serve(bus, registered, PaymentsApi.ACCOUNTS_GET, accounts::get);
    serve(bus, registered, PaymentsApi.ACCOUNTS_TRANSACTIONS, accounts::transactions);
    serve(bus, registered, PaymentsApi.ACCOUNTS_BALANCE, accounts::balance);
    Reconciliations reconciliations = new Reconciliations(vertx, pool, new ReconciliationRepository());
    serve(bus, registered, PaymentsApi.RECONCILIATIONS_CREATE, reconciliations::create);
    serve(bus, registered, PaymentsApi.RECONCILIATIONS_GET, reconciliations::get);
    registered.add(com.ledger.platform.bus.Consumers.internal(vertx, PaymentsApi.RECONCILE, reconciliations::reconcile));
    purgeTimer = vertx.setPeriodic(PURGE_EVERY_MS, id -> keys.purgeExpired()
        .onSuccess(n -> {
          if (n > 0) LOG.atInfo().addKeyValue("deleted", n).log("expired idempotency keys purged");
        }));
    return Future.all(registered);
  }

  private static void serve(EventBus bus, List<Future<Void>> registered, String address,
      Function<ApiRequest, Future<ApiReply>> handler) {
    registered.add(bus.<JsonObject>consumer(address, m -> Replies.api(m, handler)).completion());
  }

  @Override
  public Future<?> stop() {
    if (purgeTimer >= 0) vertx.cancelTimer(purgeTimer);
    return pool.close();
  }
}
