package com.ledger.platform.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Loads the configuration: the defaults packaged in the jar ({@code conf/application.yaml}), deep-merged with the
 * {@code --conf} file (else {@code LEDGER_CONF}, else {@code ./conf/application.yaml} when present), then
 * {@code LEDGER_*} environment overrides for every known key.
 */
public final class ConfigLoader {
  static final String DEFAULTS = "conf/application.yaml";
  /** Variables that are not config keys but are known: the config file, and the tests' database. */
  static final Map<String, String> OTHER_VARIABLES = Map.of(
      "LEDGER_CONF", "the configuration file, as --conf FILE",
      "LEDGER_TEST_DB_URL", "the tests' PostgreSQL (postgresql://user:pass@host:port/db); the service ignores it");
  private static final String PREFIX = "LEDGER_";

  private ConfigLoader() {}

  public static JsonObject load(Path confFile, Map<String, String> env) {
    JsonObject cfg = defaults();
    Path file = confFile(confFile, env);
    if (file != null) cfg = cfg.mergeIn(readFile(file), true);
    applyEnv(cfg, "", env);
    return cfg;
  }

  /** The file to merge: {@code --conf}, else {@code LEDGER_CONF}, else {@code ./conf/application.yaml} if present. */
  static Path confFile(Path confFile, Map<String, String> env) {
    Path file = confFile;
    String fromEnv = env.get("LEDGER_CONF");
    if (file == null && fromEnv != null && !fromEnv.isBlank()) file = Path.of(fromEnv.trim());
    if (file == null) return Files.isRegularFile(Path.of(DEFAULTS)) ? Path.of(DEFAULTS) : null;
    if (!Files.isRegularFile(file)) throw new ConfigException("conf", "file not found: " + file.toAbsolutePath());
    return file;
  }

  /** The defaults packaged in the jar (a fresh copy). */
  public static JsonObject defaults() {
    return parse(defaultsText(), DEFAULTS, "conf");
  }

  static String defaultsText() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
      if (in == null) throw new ConfigException("conf", "default configuration " + DEFAULTS + " missing from the classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code rate_limit.max_requests} → {@code LEDGER_RATE_LIMIT_MAX_REQUESTS}. */
  public static String envName(String key) {
    return PREFIX + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** Every leaf key of the defaults, in file order ({@code app.env}, {@code http.port}, …). */
  public static List<String> knownKeys() {
    List<String> keys = new ArrayList<>();
    collectKeys(defaults(), "", keys);
    return keys;
  }

  /**
   * One warning per {@code LEDGER_*} variable that names no key (a typo is otherwise silently ignored), with the
   * closest known name: {@code LEDGER_HTTP_PROT is not a known setting; did you mean LEDGER_HTTP_PORT?}.
   */
  public static List<String> unknownVariables(Map<String, String> env) {
    Set<String> known = new TreeSet<>(OTHER_VARIABLES.keySet());
    knownKeys().forEach(k -> known.add(envName(k)));
    List<String> warnings = new ArrayList<>();
    for (String name : new TreeSet<>(env.keySet())) {
      if (!name.startsWith(PREFIX) || known.contains(name)) continue;
      warnings.add(name + " is not a known setting" + closest(name, known).map(c -> "; did you mean " + c + "?")
          .orElse(" (bin/ledger run --help lists them)"));
    }
    return warnings;
  }

  /** One warning per key of a {@code --conf} file that the defaults do not know (e.g. {@code htpp.port}). */
  public static List<String> unknownKeys(Path confFile, Map<String, String> env) {
    Path file = confFile(confFile, env);
    if (file == null) return List.of();
    List<String> keys = knownKeys();
    List<String> inFile = new ArrayList<>();
    collectKeys(readFile(file), "", inFile);
    List<String> warnings = new ArrayList<>();
    for (String key : inFile) {
      if (keys.contains(key) || keys.stream().anyMatch(k -> k.startsWith(key + "."))) continue;
      warnings.add(file + ": " + key + " is not a known setting"
          + closest(key, keys).map(c -> "; did you mean " + c + "?").orElse(""));
    }
    return warnings;
  }

  /** The known name nearest to {@code name} by edit distance, if it is near enough to be a typo. */
  static Optional<String> closest(String name, Iterable<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(name, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, name.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
  }

  /** Damerau-Levenshtein (optimal string alignment): a swapped pair of letters counts as one edit. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) d[i][0] = i;
    for (int j = 0; j <= b.length(); j++) d[0][j] = j;
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  private static void collectKeys(JsonObject node, String prefix, List<String> out) {
    for (String name : node.fieldNames()) {
      String key = prefix.isEmpty() ? name : prefix + "." + name;
      if (node.getValue(name) instanceof JsonObject child) collectKeys(child, key, out);
      else out.add(key);
    }
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

  private static JsonObject readFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("conf", "cannot read " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString(), "conf");
  }

  /**
   * Parses YAML (or JSON) text; a syntax error names the config key the text came from, the source, the line and
   * the column. A text the build already parsed (the packaged defaults and contract) is not parsed again
   * ({@link ParsedYaml}).
   */
  public static JsonObject parse(String yaml, String source, String key) {
    return ParsedYaml.lookup(yaml).orElseGet(() -> parseYaml(yaml, source, key));
  }

  /** {@link #parse} without the build's parses. */
  static JsonObject parseYaml(String yaml, String source, String key) {
    Object doc;
    try {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    } catch (MarkedYAMLException e) {
      throw new ConfigException(key, "invalid YAML in " + source + where(e.getProblemMark(), e.getContextMark())
          + ": " + describe(e));
    } catch (RuntimeException e) {
      throw new ConfigException(key, "invalid YAML in " + source + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    if (doc == null) return new JsonObject();
    if (!(doc instanceof Map)) throw new ConfigException(key, source + " must be a YAML mapping");
    return new JsonObject(io.vertx.core.json.Json.encode(doc));
  }

  private static String where(Mark problem, Mark context) {
    Mark m = problem != null ? problem : context;
    return m == null ? "" : " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
  }

  private static String describe(MarkedYAMLException e) {
    String problem = e.getProblem() == null ? "syntax error" : e.getProblem();
    String context = e.getContext();
    if (context == null) return problem;
    Mark c = e.getContextMark();
    return problem + " (" + context + (c == null ? "" : " started at line " + (c.getLine() + 1) + ", column "
        + (c.getColumn() + 1)) + ")";
  }
}
