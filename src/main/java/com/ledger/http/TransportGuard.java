package com.ledger.http;

import static com.ledger.platform.errors.ErrorCode.BAD_REQUEST;
import static com.ledger.platform.errors.ErrorCode.REQUEST_HEADERS_TOO_LARGE;
import static com.ledger.platform.errors.ErrorCode.REQUEST_URI_TOO_LONG;

import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.errors.ProblemBody;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Transport-level rejections (SPEC.md §15): every request the server refuses before routing — a malformed request
 * line, a bad or oversized header, no (valid) {@code Host} on HTTP/1.1, conflicting {@code Content-Length}s,
 * {@code Content-Length} with {@code Transfer-Encoding}, a transfer coding other than chunked, a broken chunk — is
 * answered with problem+json (a catalog reason, the correlation id, the security headers) and
 * {@code Connection: close}, then the connection is closed (RFC 9112 §3.2, §6.3), so no byte after a request of
 * unknown length is ever read as a request of its own.
 *
 * <p>Installed on the {@link HttpServer} ({@link #server}): the invalid-request handler (what Netty's decoder refused), a framing check
 * before the router, and {@link StrictRequestDecoder} on every HTTP/1.x connection (what Netty accepts but should
 * not, and broken chunks after a valid head). HTTP/2 framing errors are refused by the HTTP/2 codec itself.
 */
public final class TransportGuard {
  private final HttpServerOptions options;
  private final boolean prod;
  private final MeterRegistry registry;

  private TransportGuard(HttpServerOptions options, boolean prod, MeterRegistry registry) {
    this.options = options;
    this.prod = prod;
    this.registry = registry;
  }

  /**
   * A guarded server; requests that pass go to {@code next} (the router). Cleartext HTTP/2 (h2c) is switched off: its
   * upgrade dance decodes the first request before the strict decoder can be installed, and h2c upgrades through a
   * front proxy are a smuggling vector of their own. HTTP/2 stays available over TLS (ALPN).
   */
  public static HttpServer server(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> next,
      boolean prod, MeterRegistry registry) {
    return server(vertx, options, next, prod, registry, conn -> {});
  }

  /** As above; {@code onConnection} also sees each new connection (after the guard is installed on it). */
  public static HttpServer server(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> next,
      boolean prod, MeterRegistry registry, Handler<io.vertx.core.http.HttpConnection> onConnection) {
    options.setHttp2ClearTextEnabled(false);
    TransportGuard guard = new TransportGuard(options, prod, registry);
    return vertx.createHttpServer(options).connectionHandler(conn -> {
          guard.onConnection(conn);
          onConnection.handle(conn);
        })
        .invalidRequestHandler(guard::onInvalid)
        .requestHandler(req -> {
          LedgerException refused = framing(req);
          if (refused == null) next.handle(req);
          else guard.reject(req, refused);
        });
  }

  /** A rejection rendered once: status, headers and body, for a Vert.x response or raw bytes on the channel. */
  record Rejection(int status, List<String[]> headers, byte[] body) {
    /** The whole HTTP/1.1 response, for a connection whose request is already being served. */
    byte[] http11() {
      StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status))
          .append("\r\n");
      for (String[] h : headers) head.append(h[0]).append(": ").append(h[1]).append("\r\n");
      head.append("content-length: ").append(body.length).append("\r\n\r\n");
      byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
      byte[] out = new byte[h.length + body.length];
      System.arraycopy(h, 0, out, 0, h.length);
      System.arraycopy(body, 0, out, h.length, body.length);
      return out;
    }
  }

  /** What a refused request gets: the problem of {@code e}, the client's sane correlation id or a new one. */
  Rejection rejection(LedgerException e, String clientCorrelationId, boolean closing) {
    String cid = Correlation.of(clientCorrelationId);
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    h.set("content-type", ProblemBody.CONTENT_TYPE).set("x-correlation-id", cid).set("x-request-id", Correlation.newId());
    SecurityHeaders.set(h, prod);
    if (closing) h.set("connection", "close");
    List<String[]> headers = h.entries().stream().map(en -> new String[] {en.getKey(), en.getValue()}).toList();
    byte[] body = ProblemBody.of(e.code, e.getMessage(), e.details, cid, Instant.now()).encode()
        .getBytes(StandardCharsets.UTF_8);
    Metrics.countError(registry, e.code);
    return new Rejection(e.code.status, headers, body);
  }

  private void onConnection(HttpConnection conn) {
    StrictRequestDecoder.installOn(conn, options, this);
  }

  /** Netty's decoder refused the request head (Vert.x hands it here instead of to the router). */
  private void onInvalid(HttpServerRequest req) {
    Throwable cause = req.decoderResult().cause();
    LedgerException e;
    if (cause instanceof TooLongHttpLineException) {
      e = new LedgerException(REQUEST_URI_TOO_LONG, "The request line exceeds " + options.getMaxInitialLineLength()
          + " bytes", new JsonObject().put("max_bytes", options.getMaxInitialLineLength()));
    } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
      e = new LedgerException(REQUEST_HEADERS_TOO_LARGE, "The request headers exceed " + options.getMaxHeaderSize()
          + " bytes", new JsonObject().put("max_bytes", options.getMaxHeaderSize()));
    } else {
      e = new LedgerException(BAD_REQUEST, describe(cause));
    }
    reject(req, e);
  }

  /** Answer {@code req} with the problem; on HTTP/1.x the connection is closed once the answer is written. */
  void reject(HttpServerRequest req, LedgerException e) {
    boolean http1 = req.version() != HttpVersion.HTTP_2;
    Rejection r = rejection(e, req.getHeader("X-Correlation-ID"), http1);
    HttpServerResponse res = req.response();
    if (res.headWritten() || res.closed()) return;
    res.setStatusCode(r.status());
    r.headers().forEach(h -> res.putHeader(h[0], h[1]));
    res.end(io.vertx.core.buffer.Buffer.buffer(r.body())).onComplete(done -> {
      if (http1) req.connection().close();
    });
  }

  /** HTTP/2 requests without a valid :authority (HTTP/1.x framing is checked by {@link StrictRequestDecoder}). */
  static LedgerException framing(HttpServerRequest req) {
    if (req.version() != HttpVersion.HTTP_2 || req.authority() != null) return null;
    return new LedgerException(BAD_REQUEST, "HTTP/2 requests need a valid :authority");
  }

  /** A client-safe sentence for what the decoder refused (no echo of the offending bytes). */
  static String describe(Throwable cause) {
    if (cause instanceof StrictRequestDecoder.FramingException f) return f.getMessage();
    String m = cause == null || cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
    if (m.contains("content-length")) return "The Content-Length header is invalid or repeated";
    if (m.contains("chunk")) return "The chunked body is malformed";
    if (m.contains("header")) return "A header is malformed or contains a character that is not allowed";
    if (m.contains("version")) return "The HTTP version is not supported";
    return "The request is not valid HTTP/1.1";
  }

  private static String reasonPhrase(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      default -> "Error";
    };
  }
}
