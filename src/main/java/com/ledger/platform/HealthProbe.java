package com.ledger.platform;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Container healthcheck: {@code java -cp ledgerbank.jar com.ledger.platform.HealthProbe [URL…]} exits 0 when one of
 * the URLs answers 2xx. Without URLs it asks this node's readiness on the API port ({@code LEDGER_HTTP_PORT}, 4000)
 * and on the management port ({@code LEDGER_MANAGEMENT_PORT}, 4001) that nodes without the http role serve, so one
 * check works for every role.
 */
public final class HealthProbe {
  private HealthProbe() {}

  public static void main(String[] args) {
    System.exit(probe(args.length > 0 ? List.of(args) : defaults(System.getenv())) ? 0 : 1);
  }

  public static List<String> defaults(Map<String, String> env) {
    String http = env.getOrDefault("LEDGER_HTTP_PORT", "4000");
    String management = env.getOrDefault("LEDGER_MANAGEMENT_PORT", "4001");
    return List.of("http://127.0.0.1:" + http + "/api/health/ready", "http://127.0.0.1:" + management + "/api/health/ready");
  }

  public static boolean probe(List<String> urls) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    for (String url : urls) {
      try {
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() / 100 == 2) return true;
      } catch (Exception e) {
        // not listening there: try the next one
      }
    }
    return false;
  }
}
