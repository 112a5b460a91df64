package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api.Resp;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import com.ledger.support.TestUsers.User;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.vertx.micrometer.backends.BackendRegistries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Throughput and latency of posting on ONE node (all roles). Not part of the normal suite; run with
 * <pre>./mvnw -q -B -o test -Dtest=PaymentThroughputBench -Dledger.bench=true</pre>
 * Results are printed as lines starting with {@code BENCH} to
 * {@code target/surefire-reports/com.ledger.payments.PaymentThroughputBench-output.txt}.
 */
@EnabledIfSystemProperty(named = "ledger.bench", matches = "true")
class PaymentThroughputBench {
  static final int ACCOUNTS = 50;
  static final int WORKER_PAYMENTS = Integer.getInteger("ledger.bench.jobs", 5000);
  static final int SYNC_PAYMENTS = Integer.getInteger("ledger.bench.sync", 2000);

  static TestApp start(String queues) {
    return TestApp.start(Map.of("payments.checking_daily_limit", "1000000000.00", "jobs.queues", queues,
        "http.instances", 2, "db.pool_size", 10));
  }

  static List<UUID> accounts(Fixtures fx, User u) {
    List<UUID> out = new ArrayList<>();
    for (int i = 0; i < ACCOUNTS; i++) out.add(fx.account(u, "CHECKING", "10000000.00"));
    return out;
  }

  static void print(String line) {
    System.out.println("BENCH " + line);
  }

  @Test
  void worker_throughput_and_claim_to_done_latency() throws Exception {
    for (int concurrency : new int[] {2, 4, 8}) {
      TestApp app = start("payments:" + concurrency);
      try {
        Fixtures fx = new Fixtures(app.app.vertx(), app.app.config(), app.dbUrl);
        User u = fx.user();
        List<UUID> accs = accounts(fx, u);
        String arr = "ARRAY[" + String.join(",", accs.stream().map(a -> "'" + a + "'::uuid").toList()) + "]";
        fx.exec("INSERT INTO payments.user_payments (amount, direction, description, payment_type, status, "
            + "user_bank_account_id, user_id) SELECT 1.00, 'DEBIT', 'bench ' || g, 'PAYMENT', 'PROCESSING', ("
            + arr + ")[1 + g % " + ACCOUNTS + "], ? FROM generate_series(1, ?) g", u.id(), WORKER_PAYMENTS);
        long t0 = System.nanoTime();
        fx.exec("INSERT INTO jobs.jobs (worker, queue, args, user_id) SELECT 'PaymentWorker', 'payments', "
            + "jsonb_build_object('payment_id', id::text), user_id FROM payments.user_payments WHERE user_id = ?", u.id());
        app.app.vertx().eventBus().publish("jobs.payments.wake", null);
        try (Connection c = TestDatabase.jdbc(app.dbUrl);
             PreparedStatement ps = c.prepareStatement(
                 "SELECT count(*) FROM payments.user_payments WHERE user_id = ? AND status = 'COMPLETED'")) {
          ps.setObject(1, u.id());
          Poll.until("all posted", Duration.ofMinutes(10), Duration.ofMillis(100), () -> {
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1) == WORKER_PAYMENTS;
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
          });
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        assertThat(fx.count("SELECT count(*) FROM payments.transactions WHERE user_id = ?", u.id())).isEqualTo(WORKER_PAYMENTS);
        print(String.format("workers concurrency=%d: %d payments posted in %.2f s = %.0f payments/s (%d accounts)",
            concurrency, WORKER_PAYMENTS, secs, WORKER_PAYMENTS / secs, ACCOUNTS));
        Timer t = BackendRegistries.getNow(app.app.node().registryName).find("ledger.jobs.claim.to.done")
            .tag("worker", "PaymentWorker").timer();
        HistogramSnapshot snap = t.takeSnapshot();
        StringBuilder pct = new StringBuilder();
        for (ValueAtPercentile v : snap.percentileValues()) {
          pct.append(String.format(" p%.0f=%.2fms", v.percentile() * 100, v.value(TimeUnit.MILLISECONDS)));
        }
        print(String.format("workers concurrency=%d: claim-to-done n=%d mean=%.2fms max=%.2fms%s", concurrency,
            snap.count(), snap.mean(TimeUnit.MILLISECONDS), snap.max(TimeUnit.MILLISECONDS), pct));
      } finally {
        app.close();
      }
    }
  }

  @Test
  void sync_http_throughput_and_async_end_to_end_latency() throws Exception {
    TestApp app = start("payments:2");
    try {
      Fixtures fx = new Fixtures(app.app.vertx(), app.app.config(), app.dbUrl);
      User u = fx.user();
      List<UUID> accs = accounts(fx, u);
      String arr = "ARRAY[" + String.join(",", accs.stream().map(a -> "'" + a + "'::uuid").toList()) + "]";
      List<String> ids = fx.queryStrings("INSERT INTO payments.user_payments (amount, direction, description, payment_type, "
          + "status, user_bank_account_id, user_id) SELECT 1.00, 'DEBIT', 'sync ' || g, 'PAYMENT', 'PENDING', ("
          + arr + ")[1 + g % " + ACCOUNTS + "], ? FROM generate_series(1, ?) g RETURNING id::text", u.id(), SYNC_PAYMENTS);
      int clients = Integer.getInteger("ledger.bench.clients", 16);
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      List<Callable<Integer>> work = new ArrayList<>();
      for (String id : ids) {
        work.add(() -> Http1.post(app.api.base, "/api/payments/" + id + "/process", null, u.token(), Map.of()).status());
      }
      // warm-up: the first 100
      for (var f : pool.invokeAll(work.subList(0, 100))) assertThat(f.get()).isEqualTo(200);
      long t0 = System.nanoTime();
      for (var f : pool.invokeAll(work.subList(100, work.size()))) assertThat(f.get()).isEqualTo(200);
      double secs = (System.nanoTime() - t0) / 1e9;
      pool.shutdownNow();
      int n = work.size() - 100;
      print(String.format("sync HTTP POST /process, %d clients: %d payments posted in %.2f s = %.0f payments/s",
          clients, n, secs, n / secs));

      // async end to end, one at a time: 202 answered → payment COMPLETED (wake-up, claim, post, commit)
      List<Double> ms = new ArrayList<>();
      UUID acc = accs.get(0);
      Connection poll = TestDatabase.jdbc(app.dbUrl);
      PreparedStatement ps = poll.prepareStatement("SELECT status FROM payments.user_payments WHERE id = ?");
      for (int i = 0; i < 100; i++) {
        UUID p = Fixtures.create(app.api, u, acc, "1.00", "DEBIT", "latency " + i);
        long s = System.nanoTime();
        Resp r = Http1.post(app.api.base, "/api/payments/" + p + "/process", null, u.token(), Map.of("Prefer", "respond-async"));
        assertThat(r.status()).isEqualTo(202);
        ps.setObject(1, p);
        while (true) {
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            if ("COMPLETED".equals(rs.getString(1))) break;
          }
        }
        ms.add((System.nanoTime() - s) / 1e6);
      }
      ps.close();
      poll.close();
      ms.sort(Double::compare);
      print(String.format("async end-to-end (request -> COMPLETED, idle queue, polled via JDBC): p50=%.1fms p95=%.1fms "
          + "max=%.1fms", ms.get(49), ms.get(94), ms.get(99)));
    } finally {
      app.close();
    }
  }
}
