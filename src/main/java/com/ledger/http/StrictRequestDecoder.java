package com.ledger.http;

import static com.ledger.platform.errors.ErrorCode.BAD_REQUEST;

import com.ledger.platform.errors.LedgerException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.HostAndPort;
import java.util.List;

/**
 * Vert.x's HTTP/1.x request decoder, made strict where Netty is lenient or silent (RFC 9112):
 * <ul>
 *   <li>HTTP/1.1 without exactly one valid {@code Host}, or a transfer coding other than chunked last: the request is
 *       marked invalid (Vert.x would route the first and read the body of the second as the next request);</li>
 *   <li>{@code Content-Length} together with {@code Transfer-Encoding}: Netty drops the length and reads the body as
 *       chunked; here the request is marked invalid, so it reaches the invalid-request handler (400
 *       {@code bad_request}, {@code Connection: close}) and nothing after it on the connection is served;</li>
 *   <li>a broken chunk after a valid head: Netty fails the connection without a word (the request is already being
 *       routed, so no Vert.x response can be flushed before the close); here the problem is written on the channel
 *       and the connection closed after it.</li>
 * </ul>
 * Uses Vert.x internals ({@code Http1xServerConnection}'s pipeline, {@code VertxHttpRequestDecoder}); the transport
 * tests fail if a Vert.x upgrade changes them.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  private static final String NAME = "httpDecoder";

  /** A framing rule of RFC 9112 that the request broke; its message is client-safe. */
  static final class FramingException extends RuntimeException {
    FramingException(String message) {
      super(message, null, false, false);
    }
  }

  private final TransportGuard guard;
  private String lastCorrelationId;
  private boolean refused;

  private StrictRequestDecoder(HttpServerOptions options, TransportGuard guard) {
    super(options);
    this.guard = guard;
  }

  /** Replace the connection's decoder (called from the server's connection handler, before any byte is decoded). */
  static void installOn(HttpConnection conn, HttpServerOptions options, TransportGuard guard) {
    if (!(conn instanceof Http1xServerConnection c)) return;
    ChannelPipeline pipeline = c.channelHandlerContext().pipeline();
    if (pipeline.get(NAME) instanceof VertxHttpRequestDecoder) {
      pipeline.replace(NAME, NAME, new StrictRequestDecoder(options, guard));
    }
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    super.handleTransferEncodingChunkedWithContentLength(message);
    message.setDecoderResult(DecoderResult.failure(
        new FramingException("Content-Length and Transfer-Encoding must not be sent together")));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (refused) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int from = out.size();
    super.decode(ctx, in, out);
    for (int i = from; i < out.size(); i++) {
      Object msg = out.get(i);
      if (msg instanceof HttpRequest head) {
        lastCorrelationId = head.headers().get("X-Correlation-ID");
        String broken = head.decoderResult().isSuccess() ? framingProblem(head) : null;
        if (broken != null) head.setDecoderResult(DecoderResult.failure(new FramingException(broken)));
        if (head.decoderResult().isFailure()) {
          // answered by the invalid-request handler, then the connection closes: nothing after it is a request
          discardAfter(in, out, i + 1);
          return;
        }
      } else if (msg instanceof HttpContent chunk && chunk.decoderResult().isFailure()) {
        refuse(ctx, in, out, i);
        return;
      }
    }
  }

  /** RFC 9112 §3.2 (exactly one valid Host on HTTP/1.1) and §6.3 (chunked must be the final transfer coding). */
  static String framingProblem(HttpRequest head) {
    if (head.protocolVersion().equals(io.netty.handler.codec.http.HttpVersion.HTTP_1_1)) {
      List<String> hosts = head.headers().getAll("Host");
      if (hosts.size() != 1 || HostAndPort.parseAuthority(hosts.get(0), -1) == null) {
        return "HTTP/1.1 requests need exactly one valid Host header";
      }
    }
    if (!head.headers().contains("Transfer-Encoding")) return null;
    List<String> codings = head.headers().getAll("Transfer-Encoding");
    if (!codings.isEmpty()) {
      String[] last = codings.get(codings.size() - 1).split(",");
      if (!last[last.length - 1].trim().equalsIgnoreCase("chunked")) {
        return "The final transfer coding of a request must be chunked";
      }
    }
    return null;
  }

  private void discardAfter(ByteBuf in, List<Object> out, int keep) {
    refused = true;
    while (out.size() > keep) ReferenceCountUtil.release(out.remove(out.size() - 1));
    in.skipBytes(in.readableBytes());
  }

  /** Drop the broken chunk and whatever follows, answer 400 bad_request on the wire, close after writing. */
  private void refuse(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, int at) {
    discardAfter(in, out, at);
    byte[] bytes = guard.rejection(new LedgerException(BAD_REQUEST, "The chunked body is malformed"),
        lastCorrelationId, true).http11();
    ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(ChannelFutureListener.CLOSE);
  }
}
