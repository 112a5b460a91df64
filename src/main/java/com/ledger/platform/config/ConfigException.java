package com.ledger.platform.config;

/** A configuration error naming the key (and its environment variable) that is wrong. */
public final class ConfigException extends RuntimeException {
  public final String key;

  public ConfigException(String key, String problem) {
    super(key + " (" + ConfigLoader.envName(key) + "): " + problem, null, false, false);
    this.key = key;
  }
}
