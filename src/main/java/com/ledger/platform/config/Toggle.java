package com.ledger.platform.config;

import java.util.Locale;

/** A switch whose default depends on the environment: {@code auto}, {@code true} or {@code false}. */
public enum Toggle {
  AUTO, TRUE, FALSE;

  /** On or off, with {@code whenAuto} deciding {@link #AUTO}. */
  public boolean on(boolean whenAuto) {
    return this == AUTO ? whenAuto : this == TRUE;
  }

  static Toggle parse(String key, Object value) {
    String v = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "auto" -> AUTO;
      case "true" -> TRUE;
      case "false" -> FALSE;
      default -> throw new ConfigException(key, "must be auto, true or false, got '" + value + "'");
    };
  }
}
