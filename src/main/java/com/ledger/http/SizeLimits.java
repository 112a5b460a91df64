package com.ledger.http;

import static com.ledger.platform.errors.ErrorCode.REQUEST_BODY_TOO_LARGE;
import static com.ledger.platform.errors.ErrorCode.REQUEST_HEADERS_TOO_LARGE;
import static com.ledger.platform.errors.ErrorCode.REQUEST_URI_TOO_LONG;

import com.ledger.platform.config.AppConfig.HttpConfig;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** The request's URI, headers and announced body against {@code http.max_uri_bytes}, {@code max_header_bytes}, {@code body_limit_bytes}. */
final class SizeLimits {
  private final int maxUriBytes;
  private final int maxHeaderBytes;
  private final int bodyLimitBytes;

  SizeLimits(HttpConfig cfg) {
    this.maxUriBytes = cfg.maxUriBytes();
    this.maxHeaderBytes = cfg.maxHeaderBytes();
    this.bodyLimitBytes = cfg.bodyLimitBytes();
  }

  /** The 414/431/413 failure, or null when the request is within the limits. */
  LedgerException check(HttpServerRequest req) {
    if (req.uri().length() > maxUriBytes) {
      return new LedgerException(REQUEST_URI_TOO_LONG, "The request URI exceeds " + maxUriBytes + " bytes",
          new JsonObject().put("max_bytes", maxUriBytes));
    }
    int headerBytes = 0;
    for (Map.Entry<String, String> e : req.headers()) headerBytes += e.getKey().length() + e.getValue().length() + 4;
    if (headerBytes > maxHeaderBytes) {
      return new LedgerException(REQUEST_HEADERS_TOO_LARGE, "The request headers exceed " + maxHeaderBytes
          + " bytes", new JsonObject().put("max_bytes", maxHeaderBytes));
    }
    String len = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (len != null) {
      long n;
      try {
        n = Long.parseLong(len.trim());
      } catch (NumberFormatException e) {
        n = Long.MAX_VALUE;
      }
      if (n > bodyLimitBytes) return bodyTooLarge(bodyLimitBytes);
    }
    return null;
  }

  static LedgerException bodyTooLarge(int limit) {
    return new LedgerException(REQUEST_BODY_TOO_LARGE, "The request body exceeds " + limit + " bytes",
        new JsonObject().put("max_bytes", limit));
  }
}
