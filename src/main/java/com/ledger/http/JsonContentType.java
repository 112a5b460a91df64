package com.ledger.http;

import static com.ledger.platform.errors.ErrorCode.UNSUPPORTED_MEDIA_TYPE;

import com.ledger.platform.errors.LedgerException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;

/**
 * The JSON content-type rule (SPEC.md §1.4): a body sent with POST, PUT or PATCH is {@code application/json},
 * {@code application/*+json} or unlabelled; anything else is 415 before a byte of it is read. Nothing after this
 * reads the request's Content-Type ({@link ContractValidation} decodes every body as the contract's
 * {@code application/json}), so the header is left as sent, with one exception below.
 */
final class JsonContentType {
  private static final Set<HttpMethod> BODY_METHODS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

  private JsonContentType() {}

  /** The 415 failure, or null when the request may go on. */
  static LedgerException check(HttpServerRequest req) {
    String ct = req.getHeader(HttpHeaders.CONTENT_TYPE);
    if (!BODY_METHODS.contains(req.method())) {
      // no operation of these methods reads a body, but vertx-web's BodyHandler decodes a form Content-Type as a form,
      // and vertx-core refuses that on GET/HEAD/OPTIONS (IllegalStateException → 500): such a label is dropped
      if (ct != null && isForm(ct)) req.headers().remove(HttpHeaders.CONTENT_TYPE);
      return null;
    }
    if (ct == null || ct.isBlank()) return null;
    String mime = ct.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (mime.equals("application/json") || mime.startsWith("application/") && mime.endsWith("+json")) return null;
    return new LedgerException(UNSUPPORTED_MEDIA_TYPE, "Request bodies must be application/json",
        new JsonObject().put("content_type", RequestGate.abbreviate(mime)));
  }

  private static boolean isForm(String ct) {
    String mime = ct.trim().toLowerCase(Locale.ROOT);
    return mime.startsWith("multipart/") || mime.startsWith("application/x-www-form-urlencoded");
  }
}
