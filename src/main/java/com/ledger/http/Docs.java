package com.ledger.http;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

/** Swagger UI from the webjar (no CDN) and the contract as YAML and JSON (SPEC.md §10). */
final class Docs {
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
      + "form-action 'none'";
  private static final String PAGE = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
        <meta charset="UTF-8">
        <title>LedgerBank API</title>
        <link rel="stylesheet" type="text/css" href="/api/docs/swagger-ui.css">
        <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" sizes="32x32">
      </head>
      <body>
        <div id="swagger-ui"></div>
        <script src="/api/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
        <script src="/api/docs/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
        <script src="/api/docs/swagger-initializer.js" charset="UTF-8"></script>
      </body>
      </html>
      """;
  private static final String INITIALIZER = """
      window.onload = function () {
        window.ui = SwaggerUIBundle({
          url: "/api/docs/openapi.yaml",
          dom_id: "#swagger-ui",
          deepLinking: true,
          validatorUrl: null,
          presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
          plugins: [SwaggerUIBundle.plugins.DownloadUrl],
          layout: "StandaloneLayout"
        });
      };
      """;

  private final String yaml;
  private final String json;

  Docs(String yaml, JsonObject contract) {
    this.yaml = yaml;
    this.json = contract.encode();
  }

  Map<String, Handler<RoutingContext>> handlers() {
    return Map.of(
        "docs.ui", rc -> rc.response().putHeader("Content-Type", "text/html; charset=utf-8")
            .putHeader("content-security-policy", CSP).end(PAGE),
        "docs.openapi-json", rc -> rc.response().putHeader("Content-Type", "application/json").end(json),
        "docs.openapi-yaml", rc -> rc.response().putHeader("Content-Type", "application/yaml").end(yaml));
  }

  /** The webjar's static files under /api/docs/ and our own initializer (the webjar's points at petstore). */
  static void mountAssets(Router router) {
    router.get("/api/docs/swagger-initializer.js").handler(rc -> rc.response()
        .putHeader("Content-Type", "application/javascript").putHeader("content-security-policy", CSP).end(INITIALIZER));
    router.get("/api/docs/*").handler(rc -> {
      rc.response().putHeader("content-security-policy", CSP);
      rc.next();
    }).handler(StaticHandler.create("META-INF/resources/webjars/swagger-ui/" + swaggerVersion())
        .setCachingEnabled(true).setDirectoryListing(false));
  }

  static String swaggerVersion() {
    try (InputStream in = Docs.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      Properties p = new Properties();
      if (in != null) p.load(in);
      return p.getProperty("version", "5.34.1");
    } catch (IOException e) {
      return "5.34.1";
    }
  }
}
