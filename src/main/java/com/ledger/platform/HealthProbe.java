package com.ledger.platform;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Container healthcheck: {@code java -cp ledgerbank.jar com.ledger.platform.HealthProbe URL} exits 0 on a 2xx. */
public final class HealthProbe {
  private HealthProbe() {}

  public static void main(String[] args) {
    String url = args.length > 0 ? args[0] : "http://127.0.0.1:4000/api/health/ready";
    try {
      HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
          .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      System.exit(r.statusCode() / 100 == 2 ? 0 : 1);
    } catch (Exception e) {
      System.exit(1);
    }
  }
}
