package com.ledger.http;

import com.ledger.platform.config.ConfigLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Loads openapi.yaml (working directory first, then the jar). vertx-openapi 5.0.7 refuses response media types
 * it cannot validate ({@code application/problem+json}, {@code text/html}, {@code application/yaml}); responses are
 * not validated here, so the router gets a copy with those response contents removed. Clients and /api/docs get
 * the file as written, but for a relative server URL ({@link ServedContract}).
 */
public final class ContractLoader {
  private static final Set<String> ROUTER_MEDIA_TYPES = Set.of("application/json", "application/json; charset=utf-8",
      "multipart/form-data", "application/hal+json", "application/octet-stream", "text/plain",
      "text/plain; charset=utf-8");
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "options", "head", "trace");

  /** The contract as published (text and JSON) and as the router uses it. Loaded once per node. */
  public record Loaded(String yaml, JsonObject published, OpenAPIContract contract) {}

  private ContractLoader() {}

  public static Future<Loaded> load(Vertx vertx, String location) {
    return vertx.executeBlocking(() -> {
      Path p = Path.of(location);
      if (Files.isRegularFile(p)) return Files.readString(p);
      try (var in = ContractLoader.class.getClassLoader().getResourceAsStream(location)) {
        if (in == null) throw new IllegalStateException("contract not found: " + location);
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }, false).compose(yaml -> {
      JsonObject published = ConfigLoader.parse(yaml, location, "http.contract");
      return OpenAPIContract.from(vertx, forRouter(published.copy()))
          .map(contract -> new Loaded(ServedContract.yaml(yaml), ServedContract.json(published), contract));
    });
  }

  static JsonObject forRouter(JsonObject contract) {
    JsonObject paths = contract.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String m : METHODS) {
        JsonObject op = item.getJsonObject(m);
        if (op == null) continue;
        JsonObject responses = op.getJsonObject("responses", new JsonObject());
        for (String status : responses.fieldNames()) {
          JsonObject response = responses.getJsonObject(status);
          JsonObject content = response == null ? null : response.getJsonObject("content");
          if (content == null) continue;
          content.fieldNames().removeIf(mt -> !ROUTER_MEDIA_TYPES.contains(mt));
          if (content.isEmpty()) response.remove("content");
        }
      }
    }
    JsonObject components = contract.getJsonObject("components");
    JsonObject shared = components == null ? null : components.getJsonObject("responses");
    if (shared != null) {
      for (String name : shared.fieldNames()) {
        JsonObject content = shared.getJsonObject(name).getJsonObject("content");
        if (content == null) continue;
        content.fieldNames().removeIf(mt -> !ROUTER_MEDIA_TYPES.contains(mt));
        if (content.isEmpty()) shared.getJsonObject(name).remove("content");
      }
    }
    return contract;
  }
}
