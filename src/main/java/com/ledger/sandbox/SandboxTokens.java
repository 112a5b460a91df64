package com.ledger.sandbox;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox bank's OAuth2 token store: access tokens expire; refresh tokens are remembered only to keep the
 * username across a refresh (SPEC: any refresh token of ≥ 10 chars is accepted, so a restart loses nothing that
 * matters — the client meets a 401 and refreshes). In memory, bounded.
 */
final class SandboxTokens {
  private static final int MAX_TOKENS = 50_000;
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final Map<String, Grant> access = new ConcurrentHashMap<>();
  private final Map<String, String> refreshOwners = new ConcurrentHashMap<>();
  private volatile int ttlSeconds;

  record Grant(String username, Instant expiresAt) {}

  record Issued(String accessToken, String refreshToken, int expiresIn, String username) {}

  SandboxTokens(Clock clock, int ttlSeconds) {
    this.clock = clock;
    this.ttlSeconds = ttlSeconds;
  }

  int ttlSeconds() {
    return ttlSeconds;
  }

  void ttlSeconds(int seconds) {
    this.ttlSeconds = seconds;
  }

  /** A new token pair for {@code username} (null when the bank does not know who it is). */
  Issued issue(String username) {
    if (access.size() > MAX_TOKENS) prune();
    if (refreshOwners.size() > MAX_TOKENS) refreshOwners.clear();
    String at = "sim_at_" + hex();
    String rt = "sim_rt_" + hex();
    int ttl = ttlSeconds;
    access.put(at, new Grant(username, clock.instant().plusSeconds(ttl)));
    if (username != null) refreshOwners.put(rt, username);
    return new Issued(at, rt, ttl, username);
  }

  /** The username a refresh token was issued to, if this bank still remembers it. */
  String ownerOfRefreshToken(String refreshToken) {
    return refreshToken == null ? null : refreshOwners.get(refreshToken);
  }

  /** The grant of a valid, unexpired access token, else null. */
  Grant validate(String accessToken) {
    if (accessToken == null) return null;
    Grant g = access.get(accessToken);
    if (g == null || !g.expiresAt().isAfter(clock.instant())) return null;
    return g;
  }

  /** Expire every access token (of {@code username}, or all when null); returns how many. */
  int expire(String username) {
    Instant past = clock.instant().minusSeconds(1);
    int[] n = {0};
    access.replaceAll((token, g) -> {
      if (username == null || username.equals(g.username())) {
        n[0]++;
        return new Grant(g.username(), past);
      }
      return g;
    });
    return n[0];
  }

  int size() {
    return access.size();
  }

  private void prune() {
    Instant now = clock.instant();
    access.values().removeIf(g -> !g.expiresAt().isAfter(now));
    if (access.size() > MAX_TOKENS) access.clear();
  }

  private String hex() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
