package com.ledger.auth;

import com.ledger.platform.config.AppConfig.JwtConfig;
import com.ledger.platform.security.TokenVerifier;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** Issues the SPEC.md §4.1 token pair of a session (HS256 through {@link TokenVerifier#issue}). */
final class Tokens {
  /** An issued pair; {@code refreshJti} is what gets stored, never the token. */
  record Pair(String access, String refresh, String refreshJti, UUID sessionId, Instant refreshExpiresAt) {}

  private final TokenVerifier verifier;
  private final JwtConfig cfg;
  private final Clock clock;

  Tokens(TokenVerifier verifier, Clock clock) {
    this.verifier = verifier;
    this.cfg = verifier.config();
    this.clock = clock;
  }

  TokenVerifier verifier() {
    return verifier;
  }

  /** A new pair for the session {@code sid}: access (type, sid, jti, email, role) + refresh (type, sid, jti). */
  Pair issue(String userId, String email, String role, UUID sid) {
    String refreshJti = UUID.randomUUID().toString();
    String access = verifier.issue(userId, new JsonObject().put("type", TokenVerifier.ACCESS).put("sid", sid.toString())
        .put("jti", UUID.randomUUID().toString()).put("email", email).put("role", role), cfg.accessTtlSeconds());
    String refresh = verifier.issue(userId, new JsonObject().put("type", TokenVerifier.REFRESH)
        .put("sid", sid.toString()).put("jti", refreshJti), cfg.refreshTtlSeconds());
    return new Pair(access, refresh, refreshJti, sid, clock.instant().plusSeconds(cfg.refreshTtlSeconds()));
  }
}
