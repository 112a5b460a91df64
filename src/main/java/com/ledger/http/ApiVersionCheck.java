package com.ledger.http;

import static com.ledger.platform.errors.ErrorCode.UNSUPPORTED_API_VERSION;

import com.ledger.platform.errors.LedgerException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The API version a request asks for ({@code Accept: ...; version=}, {@code X-API-Version}, {@code ?version=}): only 1. */
final class ApiVersionCheck {
  private static final Pattern ACCEPT_VERSION = Pattern.compile("version\\s*=\\s*\"?([^;,\"\\s]*)");

  private ApiVersionCheck() {}

  /** The 400 unsupported_api_version failure, or null for version 1 or no version asked. */
  static LedgerException check(HttpServerRequest req) {
    String v = null;
    String accept = req.getHeader(HttpHeaders.ACCEPT);
    if (accept != null) {
      Matcher m = ACCEPT_VERSION.matcher(accept);
      if (m.find()) v = m.group(1);
    }
    if (v == null) v = req.getHeader("X-API-Version");
    if (v == null && req.query() != null) v = req.getParam("version");  // no query string: no parameters to decode
    if (v == null || v.equals("1") || v.equalsIgnoreCase("v1")) return null;
    return new LedgerException(UNSUPPORTED_API_VERSION, "API version '" + RequestGate.abbreviate(v)
        + "' is not supported", new JsonObject().put("supported_versions", List.of("1", "v1")));
  }
}
