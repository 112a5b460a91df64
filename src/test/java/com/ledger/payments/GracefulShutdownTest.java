package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import com.ledger.support.TestUsers.User;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 6: on shutdown the node stops accepting connections, answers the request in flight and the next
 * request of an idle keep-alive connection (one already on its way is served, not reset), each with
 * {@code Connection: close}.
 */
class GracefulShutdownTest {

  record Reply(int status, Map<String, String> headers, String body) {}

  /** One HTTP/1.1 exchange on an open connection (keep-alive unless the server says otherwise). */
  static Reply exchange(Socket s, String method, String path, String token) throws IOException {
    String req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "Content-Length: 0\r\n\r\n";
    OutputStream out = s.getOutputStream();
    out.write(req.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    String status = in.readLine();
    if (status == null) throw new IOException("connection closed before a response");
    Map<String, String> headers = new HashMap<>();
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      int i = line.indexOf(':');
      headers.put(line.substring(0, i).trim().toLowerCase(Locale.ROOT), line.substring(i + 1).trim());
    }
    int len = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    char[] body = new char[len];
    int read = 0;
    while (read < len) {
      int n = in.read(body, read, len - read);
      if (n < 0) break;
      read += n;
    }
    return new Reply(Integer.parseInt(status.split(" ")[1]), headers, new String(body, 0, read));
  }

  static Socket open(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
    s.setSoTimeout(60_000);
    return s;
  }

  @Test
  void shutdown_answers_in_flight_and_kept_alive_requests_with_connection_close() throws Exception {
    TestApp app = TestApp.start(Map.of("http.shutdown_grace_seconds", 20, "http.request_timeout_ms", 60_000));
    CompletableFuture<Void> closed = null;
    try {
      Fixtures fx = new Fixtures(app.app.vertx(), app.app.config(), app.dbUrl);
      User u = fx.user();
      UUID acc = fx.account(u, "CHECKING", "100.00");
      UUID p = Fixtures.create(app.api, u, acc, "10.00", "DEBIT", "Drain");
      try (Socket idle = open(app.port); Socket busy = open(app.port); Connection lock = TestDatabase.jdbc(app.dbUrl)) {
        Reply first = exchange(idle, "GET", "/api/health/live", null);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.headers().get("connection")).isNotEqualToIgnoringCase("close");
        lock.setAutoCommit(false);
        try (Statement st = lock.createStatement()) {
          st.execute("SELECT 1 FROM payments.user_bank_accounts WHERE id = '" + acc + "' FOR UPDATE");
        }
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
        CompletableFuture<Reply> inFlight = CompletableFuture.supplyAsync(() -> {
          try {
            return exchange(busy, "POST", "/api/payments/" + p + "/process", u.token());
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }, threads);
        Poll.until("the request in flight", Duration.ofSeconds(30), () -> fx.count(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0);
        closed = CompletableFuture.runAsync(app::close, threads);
        // new connections are not served once shutdown began (closed at once)
        Poll.until("new connections turned away", Duration.ofSeconds(30), () -> {
          try (Socket s = open(app.port)) {
            s.setSoTimeout(5000);
            exchange(s, "GET", "/api/health/live", null);
            return false;
          } catch (IOException turnedAway) {
            return true;
          }
        });
        // a request already on its way on the idle keep-alive connection is served, and told to close
        Reply next = exchange(idle, "GET", "/api/health/live", null);
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.headers().get("connection")).isEqualToIgnoringCase("close");
        lock.rollback();
        Reply done = inFlight.get(60, TimeUnit.SECONDS);
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.headers().get("connection")).as(done.toString()).isNotNull();
        assertThat(done.headers().get("connection")).isEqualToIgnoringCase("close");
        assertThat(fx.status(p)).isEqualTo("COMPLETED");
        app.assertLedgerVerifies();  // before the close below drops the database
        closed.get(60, TimeUnit.SECONDS);  // TestApp.close also drops the database
      }
    } finally {
      if (closed == null) app.close();
    }
  }
}
