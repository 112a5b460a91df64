package com.ledger.platform.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Loads the configuration: the defaults packaged in the jar ({@code conf/application.yaml}), deep-merged with the
 * {@code --conf} file (or {@code ./conf/application.yaml} when present), then {@code LEDGER_*} environment
 * overrides for every known key.
 */
public final class ConfigLoader {
  static final String DEFAULTS = "conf/application.yaml";

  private ConfigLoader() {}

  public static JsonObject load(Path confFile, Map<String, String> env) {
    JsonObject cfg = readClasspath(DEFAULTS);
    Path file = confFile;
    if (file == null && Files.isRegularFile(Path.of(DEFAULTS))) file = Path.of(DEFAULTS);
    if (file != null) {
      if (!Files.isRegularFile(file)) throw new ConfigException("conf", "file not found: " + file);
      cfg = cfg.mergeIn(readFile(file), true);
    }
    applyEnv(cfg, "", env);
    return cfg;
  }

  /** {@code rate_limit.max_requests} → {@code LEDGER_RATE_LIMIT_MAX_REQUESTS}. */
  public static String envName(String key) {
    return "LEDGER_" + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private static void applyEnv(JsonObject node, String prefix, Map<String, String> env) {
    for (String name : List.copyOf(node.fieldNames())) {
      String key = prefix.isEmpty() ? name : prefix + "." + name;
      Object current = node.getValue(name);
      if (current instanceof JsonObject child) {
        applyEnv(child, key, env);
        continue;
      }
      String value = env.get(envName(key));
      if (value != null) node.put(name, coerce(key, current, value));
    }
  }

  private static Object coerce(String key, Object current, String raw) {
    String v = raw.trim();
    try {
      if (current instanceof JsonArray) {
        JsonArray arr = new JsonArray();
        Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(arr::add);
        return arr;
      }
      if (current instanceof Boolean) {
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
          throw new ConfigException(key, "must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v.toLowerCase(Locale.ROOT));
      }
      if (current instanceof Integer || current instanceof Long) return Long.parseLong(v);
      if (current instanceof Number) return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "must be a number, got '" + v + "'");
    }
    return raw;
  }

  private static JsonObject readClasspath(String resource) {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new ConfigException("conf", "default configuration " + resource + " missing from the classpath");
      return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject readFile(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException("conf", "cannot read " + file + ": " + e.getMessage());
    } catch (RuntimeException e) {
      if (e instanceof ConfigException) throw e;
      throw new ConfigException("conf", "invalid YAML in " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  @SuppressWarnings("unchecked")
  public static JsonObject parse(String yaml) {
    Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    if (doc == null) return new JsonObject();
    if (!(doc instanceof Map)) throw new ConfigException("conf", "the configuration must be a YAML mapping");
    return new JsonObject(io.vertx.core.json.Json.encode(doc));
  }
}
