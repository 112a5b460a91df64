package com.ledger.platform.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * YAML the build already parsed: the packaged defaults and openapi.yaml are parsed at build time (Maven runs
 * {@link #main} after compiling) into {@code parsed-yaml/<SHA-256 of the text>.json}, and {@link ConfigLoader#parse}
 * takes that JSON for a text with the same hash, wherever the text came from (the jar, or an unchanged copy in the
 * working directory). Any other text is parsed as YAML at run time, as before. The JSON is what the run-time parse
 * makes of the text anyway ({@code Json.encode} of SnakeYAML's document), so the result is the same.
 *
 * <p>Why: parsing the 210 KB contract and the defaults with SnakeYAML took ~0.3 s of CPU on a cold JVM at every
 * start, plus the JIT's work compiling the parser, on the way to ready.
 */
public final class ParsedYaml {
  static final String FOLDER = "parsed-yaml/";

  private ParsedYaml() {}

  /** The build's parse of {@code text}, if the build parsed this exact text. */
  static Optional<JsonObject> lookup(String text) {
    try (InputStream in = ParsedYaml.class.getClassLoader().getResourceAsStream(resource(text))) {
      return in == null ? Optional.empty() : Optional.of(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static String resource(String text) {
    try {
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return FOLDER + HexFormat.of().formatHex(sha) + ".json";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);  // every JVM has SHA-256
    }
  }

  /**
   * The build step: {@code OUTPUT_CLASSES_DIR YAML_FILE...}; each file is parsed as YAML (a syntax error fails the
   * build) and written as {@code OUTPUT_CLASSES_DIR/parsed-yaml/<sha>.json}.
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) throw new IllegalArgumentException("usage: ParsedYaml CLASSES_DIR YAML_FILE...");
    Path out = Path.of(args[0]);
    for (int i = 1; i < args.length; i++) {
      Path file = Path.of(args[i]);
      String text = Files.readString(file);
      JsonObject parsed = ConfigLoader.parseYaml(text, file.toString(), "build");
      Path target = out.resolve(resource(text));
      Files.createDirectories(target.getParent());
      Files.writeString(target, parsed.encode());
    }
  }
}
