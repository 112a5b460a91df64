package com.ledger.platform.db;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The cheap check before Flyway on a restart: does every slice's history already hold exactly the migrations packaged
 * with this build, each applied successfully with the checksum Flyway records (CRC32 of the script's lines)? Then
 * there is nothing to migrate or validate and Flyway, most of whose time on an up-to-date database is its own set-up,
 * is skipped. Anything else (a fresh database, a pending, failed or changed migration, a history row of a kind this
 * does not know, migrations that cannot be listed) answers no, and Flyway runs as always.
 */
final class AppliedMigrations {
  private static final String ROOT = "db/migration/";
  private static final Map<String, Map<String, List<String>>> JAR_FOLDERS = new ConcurrentHashMap<>();
  private static final Pattern VERSIONED = Pattern.compile("V([1-9]\\d*)__([^/]+)\\.sql");

  private AppliedMigrations() {}

  /** Whether {@code slices} are all migrated to exactly this build's scripts. */
  static boolean upToDate(Connection c, List<String> slices) {
    Optional<Map<String, Map<String, Integer>>> applied = applied(c, slices);
    if (applied.isEmpty()) return false;
    Optional<Map<String, Map<String, Integer>>> packaged = packaged(slices);
    return packaged.isPresent() && packaged.get().equals(applied.get());
  }

  /** Per slice, script → checksum of its applied migrations; empty when a history is missing or not all plain. */
  static Optional<Map<String, Map<String, Integer>>> applied(Connection c, List<String> slices) {
    StringBuilder sql = new StringBuilder();
    for (String slice : slices) {
      if (!sql.isEmpty()) sql.append(" UNION ALL ");
      sql.append("SELECT '").append(slice).append("', type, script, checksum, success, version FROM ")
          .append(slice).append(".flyway_schema_history");
    }
    Map<String, Map<String, Integer>> out = new HashMap<>();
    slices.forEach(s -> out.put(s, new HashMap<>()));
    try (var st = c.createStatement(); var rs = st.executeQuery(sql.toString())) {
      while (rs.next()) {
        String type = rs.getString(2);
        if (!rs.getBoolean(5)) return Optional.empty();
        if ("SCHEMA".equals(type)) continue;  // the marker of the schema Flyway created
        int checksum = rs.getInt(4);
        if (!"SQL".equals(type) || rs.wasNull() || rs.getString(6) == null) return Optional.empty();
        if (out.get(rs.getString(1)).put(rs.getString(3), checksum) != null) return Optional.empty();
      }
    } catch (SQLException e) {
      return Optional.empty();  // no history yet (a fresh database), or one this does not know
    }
    return Optional.of(out);
  }

  /** Per slice, script → checksum of the packaged migrations; empty when they cannot be listed or are not all plain. */
  static Optional<Map<String, Map<String, Integer>>> packaged(List<String> slices) {
    Map<String, Map<String, Integer>> out = new HashMap<>();
    for (String slice : slices) {
      Optional<List<Script>> scripts = scripts(slice);
      if (scripts.isEmpty()) return Optional.empty();
      Map<String, Integer> checksums = new HashMap<>();
      scripts.get().forEach(s -> checksums.put(s.name(), s.checksum()));
      out.put(slice, checksums);
    }
    return Optional.of(out);
  }

  /** A packaged versioned script: {@code V<version>__<description>.sql}, its text and Flyway's checksum of it. */
  record Script(String name, String version, String description, String sql, int checksum) {}

  /**
   * A slice's packaged scripts in version order; empty when they cannot be listed or one is not a plain
   * {@code V<integer>__<description>.sql} (repeatable, undo, Java and dotted versions are Flyway's job).
   */
  static Optional<List<Script>> scripts(String slice) {
    return scripts(AppliedMigrations.class.getClassLoader(), slice);
  }

  static Optional<List<Script>> scripts(ClassLoader loader, String slice) {
    String folder = ROOT + slice + "/";
    List<Script> out = new ArrayList<>();
    try {
      URL url = loader.getResource(folder);
      if (url == null) return Optional.empty();
      List<String> names = list(url, folder);
      if (names == null) return Optional.empty();
      for (String name : names) {
        Matcher m = VERSIONED.matcher(name);
        if (!m.matches()) return Optional.empty();
        try (InputStream in = loader.getResourceAsStream(folder + name)) {
          if (in == null) return Optional.empty();
          String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          out.add(new Script(name, m.group(1), m.group(2).replace('_', ' '), sql, checksum(sql)));
        }
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
    out.sort(Comparator.comparing(s -> new BigInteger(s.version())));
    return Optional.of(out);
  }

  /** The file names directly in {@code folder} (a directory on the class path, or one in a jar); null otherwise. */
  private static List<String> list(URL url, String folder) throws IOException, URISyntaxException {
    if ("file".equals(url.getProtocol())) {
      try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
        return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
      }
    }
    if ("jar".equals(url.getProtocol()) && url.openConnection() instanceof JarURLConnection jar) {
      return jarFolders(jar).getOrDefault(folder, List.of());
    }
    return null;
  }

  /**
   * Every folder under {@code db/migration/} in the jar and the files directly in it, from one pass over the jar's
   * ~20k entries per JVM (not one per slice: the five passes took ~0.2 s of a start's CPU).
   */
  private static Map<String, List<String>> jarFolders(JarURLConnection jar) throws IOException {
    String key = jar.getJarFileURL().toString();
    Map<String, List<String>> known = JAR_FOLDERS.get(key);
    if (known != null) return known;
    synchronized (JAR_FOLDERS) {
      known = JAR_FOLDERS.get(key);
      if (known != null) return known;
      Map<String, List<String>> folders = new HashMap<>();
      jar.setUseCaches(false);
      try (JarFile file = jar.getJarFile()) {
        file.stream().map(JarEntry::getName).filter(n -> n.startsWith(ROOT) && !n.endsWith("/")).forEach(n -> {
          int slash = n.lastIndexOf('/');
          folders.computeIfAbsent(n.substring(0, slash + 1), f -> new ArrayList<>()).add(n.substring(slash + 1));
        });
      }
      folders.replaceAll((f, names) -> List.copyOf(names));
      JAR_FOLDERS.put(key, Map.copyOf(folders));
      return JAR_FOLDERS.get(key);
    }
  }

  /** Flyway's checksum of a script: CRC32 over its lines as UTF-8, without line ends or a leading byte-order mark. */
  static int checksum(String script) {
    CRC32 crc = new CRC32();
    try (BufferedReader r = new BufferedReader(new StringReader(script))) {
      String line = r.readLine();
      if (line != null && line.startsWith("\uFEFF")) line = line.substring(1);
      while (line != null) {
        crc.update(line.getBytes(StandardCharsets.UTF_8));
        line = r.readLine();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);  // a StringReader does not fail
    }
    return (int) crc.getValue();
  }
}
