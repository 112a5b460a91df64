package com.ledger.platform.security;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.ConfigException;
import java.util.Base64;

/** Builds the secret-bearing helpers from config, failing at boot with the key name. */
public final class Secrets {
  private Secrets() {}

  public static TokenCipher bankTokenCipher(AppConfig cfg) {
    String key = cfg.bank().tokenKey();
    if (key.isBlank()) {
      if (cfg.isProd()) throw new ConfigException("bank.token_key", "is required in prod (base64 of 32 random bytes)");
      return TokenCipher.derivedFrom(cfg.jwt().secret());
    }
    try {
      byte[] raw = Base64.getDecoder().decode(key.trim());
      if (raw.length != 32) throw new IllegalArgumentException();
      return new TokenCipher(raw);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bank.token_key", "must be base64 of exactly 32 bytes");
    }
  }

  public static PasswordHasher.Params passwordParams(AppConfig cfg) {
    var p = cfg.auth().argon2();
    return new PasswordHasher.Params(p.memoryKib(), p.iterations(), p.parallelism());
  }
}
