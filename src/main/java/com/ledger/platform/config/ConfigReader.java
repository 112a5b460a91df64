package com.ledger.platform.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;

/** Typed, validated access to a config subtree; every failure names the full key. */
public final class ConfigReader {
  private final JsonObject node;
  private final String prefix;

  public ConfigReader(JsonObject node, String prefix) {
    this.node = node == null ? new JsonObject() : node;
    this.prefix = prefix;
  }

  public static ConfigReader root(JsonObject json) {
    return new ConfigReader(json, "");
  }

  public String key(String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }

  public ConfigReader child(String name) {
    Object v = node.getValue(name);
    if (v != null && !(v instanceof JsonObject)) throw new ConfigException(key(name), "must be a mapping");
    return new ConfigReader((JsonObject) v, key(name));
  }

  public String string(String name, String dflt) {
    Object v = node.getValue(name);
    if (v == null) return dflt;
    if (v instanceof JsonObject || v instanceof JsonArray) throw new ConfigException(key(name), "must be a string");
    return String.valueOf(v);
  }

  public String requireString(String name) {
    String v = string(name, null);
    if (v == null || v.isBlank()) throw new ConfigException(key(name), "is required");
    return v;
  }

  public int integer(String name, int dflt, int min, int max) {
    Object v = node.getValue(name);
    long n;
    if (v == null) {
      n = dflt;
    } else if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())) {
      n = num.longValue();
    } else if (v instanceof String s) {
      try {
        n = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(key(name), "must be an integer, got '" + s + "'");
      }
    } else {
      throw new ConfigException(key(name), "must be an integer, got '" + v + "'");
    }
    if (n < min || n > max) throw new ConfigException(key(name), "must be between " + min + " and " + max + ", got " + n);
    return (int) n;
  }

  public double decimal(String name, double dflt, double min, double max) {
    Object v = node.getValue(name);
    double d;
    try {
      d = v == null ? dflt : v instanceof Number num ? num.doubleValue() : Double.parseDouble(String.valueOf(v));
    } catch (NumberFormatException e) {
      throw new ConfigException(key(name), "must be a number, got '" + v + "'");
    }
    if (d < min || d > max) throw new ConfigException(key(name), "must be between " + min + " and " + max);
    return d;
  }

  public BigDecimal money(String name, String dflt) {
    String s = string(name, dflt);
    try {
      BigDecimal b = new BigDecimal(s.trim());
      if (b.signum() <= 0 || b.scale() > 2) throw new NumberFormatException();
      return b.setScale(2);
    } catch (NumberFormatException e) {
      throw new ConfigException(key(name), "must be a positive amount with at most 2 decimals, got '" + s + "'");
    }
  }

  public boolean bool(String name, boolean dflt) {
    Object v = node.getValue(name);
    if (v == null) return dflt;
    if (v instanceof Boolean b) return b;
    String s = String.valueOf(v).trim();
    if (s.equalsIgnoreCase("true")) return true;
    if (s.equalsIgnoreCase("false")) return false;
    throw new ConfigException(key(name), "must be true or false, got '" + v + "'");
  }

  /** {@code auto}, {@code true} or {@code false} (a YAML boolean counts). */
  public Toggle toggle(String name, Toggle dflt) {
    Object v = node.getValue(name);
    return v == null ? dflt : Toggle.parse(key(name), v);
  }

  /** One of {@code allowed} (case-insensitive), returned lower-case. */
  public String oneOf(String name, String dflt, List<String> allowed) {
    String v = string(name, dflt).trim().toLowerCase(java.util.Locale.ROOT);
    if (!allowed.contains(v)) throw new ConfigException(key(name), "must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    return v;
  }

  public List<String> strings(String name, List<String> dflt) {
    Object v = node.getValue(name);
    if (v == null) return dflt;
    if (v instanceof JsonArray arr) return arr.stream().map(String::valueOf).map(String::trim).toList();
    return java.util.Arrays.stream(String.valueOf(v).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
