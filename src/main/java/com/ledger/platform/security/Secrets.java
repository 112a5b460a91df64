package com.ledger.platform.security;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.ConfigException;
import com.ledger.platform.config.ConfigReader;
import java.util.Base64;

/** Builds the secret-bearing helpers from config, failing at boot with the key name. */
public final class Secrets {
  private Secrets() {}

  public static TokenCipher bankTokenCipher(AppConfig cfg) {
    ConfigReader bank = ConfigReader.root(cfg.raw()).child("bank");
    String key = bank.string("token_key", "");
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
    ConfigReader p = ConfigReader.root(cfg.raw()).child("auth").child("password");
    return new PasswordHasher.Params(p.integer("memory_kib", 19_456, 1024, 4_194_304),
        p.integer("iterations", 2, 1, 100), p.integer("parallelism", 1, 1, 64));
  }
}
