package com.ledger.http;

import com.ledger.platform.config.AppConfig;

/** Small typed reads of keys owned by other slices that the HTTP edge needs. */
public final class ConfigTimeouts {
  private ConfigTimeouts() {}

  public static long statusCacheMs(AppConfig cfg) {
    return com.ledger.platform.security.UserCache.ttlMs(cfg);
  }
}
