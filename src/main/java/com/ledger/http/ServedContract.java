package com.ledger.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract as clients get it ({@code /api/docs/openapi.yaml}, {@code .json}, Swagger UI): its {@code servers}
 * say {@code /}, so "Try it out" calls whatever host the page was loaded from (the docs page's CSP allows only
 * {@code connect-src 'self'}). The file keeps its absolute URL for the router, because vertx-openapi 5.0.7 parses
 * the server URL with {@code new URL(...)}, which a relative URL fails.
 */
final class ServedContract {
  static final String SERVER_URL = "/";
  static final String DESCRIPTION = "This server (the host this document was loaded from)";

  private ServedContract() {}

  /** The YAML text with its top-level {@code servers} block replaced; everything else byte for byte. */
  static String yaml(String text) {
    List<String> lines = text.lines().toList();
    List<String> out = new ArrayList<>(lines.size());
    boolean replaced = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (replaced || !line.startsWith("servers:")) {
        out.add(line);
        continue;
      }
      out.add("servers:");
      out.add("  - url: " + SERVER_URL);
      out.add("    description: " + DESCRIPTION);
      while (i + 1 < lines.size() && continues(lines.get(i + 1))) i++;
      replaced = true;
    }
    return String.join("\n", out) + (text.endsWith("\n") ? "\n" : "");
  }

  /** The JSON form with the same {@code servers}. */
  static JsonObject json(JsonObject contract) {
    return contract.copy().put("servers", new JsonArray().add(new JsonObject().put("url", SERVER_URL)
        .put("description", DESCRIPTION)));
  }

  /** A line inside a top-level block: indented, a top-level list item, or blank. */
  private static boolean continues(String line) {
    return line.isBlank() || line.startsWith(" ") || line.startsWith("\t") || line.startsWith("-");
  }
}
