package com.ledger.http;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.config.ConfigReader;

/** Small typed reads of keys owned by other slices that the HTTP edge needs. */
public final class ConfigTimeouts {
  private ConfigTimeouts() {}

  public static long statusCacheMs(AppConfig cfg) {
    return ConfigReader.root(cfg.raw()).child("auth").integer("status_cache_ms", 5000, 0, 600_000);
  }
}
