package com.ledger.payments;

import static com.ledger.payments.Fixtures.create;
import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Api.Resp;
import com.ledger.support.Poll;
import com.ledger.support.TestDatabase;
import com.ledger.support.TestUsers.User;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 4: connections cut under the service (pg_terminate_backend from another session, as a failover
 * or a DBA would) answer 503 service_unavailable with Retry-After, not 500; then the service recovers by itself.
 */
class DatabaseOutageTest extends PaymentsE2E {

  /** Wait until a backend of the service (not ours) waits on a lock, then terminate every service backend. */
  static int terminateServiceBackends(Connection admin, int keep, String waitEventType) throws Exception {
    Poll.until("a service backend waiting (" + waitEventType + ")", Duration.ofSeconds(30), () -> {
      try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
              + " AND pid <> " + keep + " AND wait_event_type = '" + waitEventType + "'")) {
        rs.next();
        return rs.getInt(1) > 0;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND pid <> pg_backend_pid() AND pid <> " + keep + " AND backend_type = 'client backend'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void a_cut_connection_answers_503_with_retry_after_then_recovers() throws Exception {
    User u = fx.user();
    UUID acc = fx.account(u, "CHECKING", "100.00");
    UUID p = create(api, u, acc, "10.00", "DEBIT", "Cut");
    try (Connection locker = TestDatabase.jdbc(fx.dbUrl); Connection admin = TestDatabase.jdbc(fx.dbUrl)) {
      locker.setAutoCommit(false);
      int lockerPid;
      try (Statement st = locker.createStatement()) {
        ResultSet rs = st.executeQuery("SELECT pg_backend_pid()");
        rs.next();
        lockerPid = rs.getInt(1);
        st.execute("SELECT 1 FROM payments.user_bank_accounts WHERE id = '" + acc + "' FOR UPDATE");
      }
      CompletableFuture<Resp> inFlight = CompletableFuture.supplyAsync(
          () -> api.send("POST", "/api/payments/" + p + "/process", null, u.token(), Map.of()));
      assertThat(terminateServiceBackends(admin, lockerPid, "Lock")).isPositive();
      Resp cut = inFlight.get(60, TimeUnit.SECONDS);
      assertProblem(cut, 503, "service_unavailable");
      assertThat(cut.header("retry-after")).isNotNull();
      assertThat(Integer.parseInt(cut.header("retry-after"))).isBetween(1, 30);
      locker.rollback();
    }
    assertThat(fx.status(p)).isEqualTo("PENDING");
    assertThat(fx.balance(acc)).isEqualTo("100.00");
    // the pool heals: a retry (as Retry-After invites) is served
    Poll.until("the service to recover", Duration.ofSeconds(30),
        () -> api.send("POST", "/api/payments/" + p + "/process", null, u.token(), Map.of()).status() == 200);
    assertThat(fx.status(p)).isEqualTo("COMPLETED");
    assertThat(fx.balance(acc)).isEqualTo("90.00");
  }
}
