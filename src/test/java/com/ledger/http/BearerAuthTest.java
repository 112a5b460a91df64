package com.ledger.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.config.AppConfig.JwtConfig;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.security.TokenVerifier;
import com.ledger.platform.security.UserCache;
import com.ledger.users.api.UsersApi;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.openapi.contract.OpenAPIContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge's memory of verified access tokens (PITFALLS.md §12): a remembered token saves only the signature check.
 * Its expiry is checked on every request against the verifier's clock (here one the test moves), the user is asked of
 * the node's user cache on every request (here with caching off, so every request sees the user the fake users context
 * holds now), a token that fails verification is never remembered, and the memory is bounded.
 */
class BearerAuthTest {
  private static final String SECRET = "bearer-auth-test-secret-".repeat(3);
  private static final String ISSUER = "ledger-bank-api";
  private static final int BOUND = 3;

  private Vertx vertx;
  private HttpServer server;
  private BearerAuth auth;
  private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final String userId = UUID.randomUUID().toString();
  private final AtomicReference<JsonObject> user = new AtomicReference<>(user("ACTIVE", "user"));
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer(UsersApi.FIND, m -> m.reply(new JsonObject().put("found", true)
        .put("user", user.get()))).completion().await();
    UserCache users = UserCache.of(vertx, 0, 5_000);  // no caching: the test changes the user under the token
    OpenAPIContract contract = ContractLoader.load(vertx, "openapi.yaml").await().contract();
    TokenVerifier verifier = new TokenVerifier(vertx, new JwtConfig(SECRET, ISSUER, ISSUER, 900, 3600), clock);
    auth = new BearerAuth(verifier, users, contract, BOUND);
    Router router = Router.router(vertx);
    router.get("/remembered").handler(rc -> rc.response().end(String.valueOf(auth.remembered())));
    router.get("/api/*").handler(auth).handler(rc -> rc.response().end(((JsonObject) rc.get(BearerAuth.PRINCIPAL_KEY))
        .encode()));
    router.route().failureHandler(rc -> {
      LedgerException e = (LedgerException) rc.failure();
      rc.response().setStatusCode(e.code.status).end(e.code.reason());
    });
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void an_expired_token_is_refused_although_it_is_remembered() {
    String token = token(claims(60));
    assertThat(me(token).statusCode()).isEqualTo(200);
    assertThat(remembered()).isEqualTo(1);
    clock.advance(59);
    assertThat(me(token).statusCode()).isEqualTo(200);
    clock.advance(1);  // exp == now: expired
    HttpResponse<String> r = me(token);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).isEqualTo("token_expired");
    assertThat(remembered()).as("an expired token is forgotten").isZero();
  }

  @Test
  void a_deactivated_user_is_refused_while_the_token_is_remembered() {
    String token = token(claims(600));
    assertThat(me(token).statusCode()).isEqualTo(200);
    user.set(user("SUSPENDED", "user"));
    HttpResponse<String> r = me(token);
    assertThat(r.body()).isEqualTo("account_inactive");
    assertThat(remembered()).isEqualTo(1);
    user.set(user("ACTIVE", "user"));
    assertThat(me(token).statusCode()).isEqualTo(200);
  }

  @Test
  void the_role_is_the_users_current_one_not_the_remembered_one() {
    String token = token(claims(600));
    assertThat(new JsonObject(me(token).body()).getString("role")).isEqualTo("user");
    assertThat(get("/api/users", token).body()).isEqualTo("insufficient_permissions");
    user.set(user("ACTIVE", "admin"));
    assertThat(new JsonObject(me(token).body()).getString("role")).isEqualTo("admin");
    assertThat(get("/api/users", token).statusCode()).isEqualTo(200);
    user.set(user("ACTIVE", "user"));
    assertThat(get("/api/users", token).body()).isEqualTo("insufficient_permissions");
  }

  @Test
  void a_tampered_or_wrongly_signed_token_is_never_accepted_nor_remembered() {
    String token = token(claims(600));
    assertThat(me(token).statusCode()).isEqualTo(200);
    String[] parts = token.split("\\.");
    String otherUser = b64(claims(600).put("sub", UUID.randomUUID().toString()).encode());
    String tampered = parts[0] + "." + otherUser + "." + parts[2];
    String wrongKey = sign(claims(600), "another-secret-".repeat(5));
    for (int i = 0; i < 2; i++) {
      for (String bad : new String[] {tampered, wrongKey}) {
        HttpResponse<String> r = me(bad);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).isEqualTo("invalid_token");
      }
    }
    assertThat(remembered()).isEqualTo(1);
    assertThat(me(token).statusCode()).isEqualTo(200);
  }

  @Test
  void the_memory_is_bounded_and_drops_expired_tokens_first() {
    String shortLived = token(claims(10));
    assertThat(me(shortLived).statusCode()).isEqualTo(200);
    for (int i = 0; i < BOUND - 1; i++) assertThat(me(token(claims(600))).statusCode()).isEqualTo(200);
    assertThat(remembered()).isEqualTo(BOUND);
    clock.advance(10);  // the short-lived token expires: the next new token takes its place
    assertThat(me(token(claims(600))).statusCode()).isEqualTo(200);
    assertThat(remembered()).isEqualTo(BOUND);
    for (int i = 0; i < 2 * BOUND; i++) {
      assertThat(me(token(claims(600))).statusCode()).isEqualTo(200);
      assertThat(remembered()).isBetween(1, BOUND);
    }
  }

  // ------------------------------------------------------------------------------------------------------ helpers

  private JsonObject user(String status, String role) {
    boolean active = "ACTIVE".equals(status);
    return new JsonObject().put("id", userId).put("email", "bearer@example.com").put("status", status)
        .put("role", role).put("active", active).put("suspended", !active).put("deleted", false);
  }

  private JsonObject claims(long ttlSeconds) {
    long now = clock.instant().getEpochSecond();
    return new JsonObject().put("sub", userId).put("iss", ISSUER).put("aud", ISSUER).put("iat", now).put("nbf", now)
        .put("exp", now + ttlSeconds).put("type", "access").put("jti", UUID.randomUUID().toString())
        .put("sid", UUID.randomUUID().toString()).put("email", "bearer@example.com").put("role", "user");
  }

  private static String token(JsonObject claims) {
    return sign(claims, SECRET);
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String sign(JsonObject claims, String secret) {
    String input = b64(new JsonObject().put("alg", "HS256").put("typ", "JWT").encode()) + "." + b64(claims.encode());
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> me(String token) {
    return get("/api/auth/me", token);
  }

  private int remembered() {
    return Integer.parseInt(get("/remembered", null).body());
  }

  private HttpResponse<String> get(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
    if (token != null) b.header("Authorization", "Bearer " + token);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A clock the test moves forward by whole seconds. */
  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(long seconds) {
      now = now.plusSeconds(seconds);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
