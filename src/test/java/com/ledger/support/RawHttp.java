package com.ledger.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 spoken on a raw socket, for requests a client library refuses to send (control characters in headers,
 * conflicting framing, broken chunks). Reads until the server closes the connection or {@code idleMs} pass without
 * a byte; {@link Exchange#closedByServer()} tells which. The first response is checked against openapi.yaml.
 */
public final class RawHttp {
  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] \\d{3} ");

  private RawHttp() {}

  /** What came back: the raw text, the first response parsed, and whether the server closed the connection. */
  public record Exchange(String raw, int status, Map<String, String> headers, String body, boolean closedByServer) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The first response as the shared client's response type. */
    public Api.Resp resp() {
      return new Api.Resp(status, headers, body);
    }

    /** How many status lines the server wrote on this connection. */
    public int responses() {
      return (int) STATUS_LINE.matcher(raw).results().count();
    }

    @Override
    public String toString() {
      return raw.length() > 2000 ? raw.substring(0, 2000) + "…" : raw;
    }
  }

  public static Exchange send(int port, String request) {
    return send(port, request.getBytes(StandardCharsets.ISO_8859_1), 3_000);
  }

  public static Exchange send(int port, byte[] request, int idleMs) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(idleMs);
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      boolean closed;
      while (true) {
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException idle) {
          closed = false;
          break;
        } catch (IOException reset) {
          closed = true;
          break;
        }
        if (n < 0) {
          closed = true;
          break;
        }
        got.write(buf, 0, n);
      }
      Exchange x = parse(got.toString(StandardCharsets.UTF_8), closed);
      if (x.status() > 0) {
        String[] line = new String(request, StandardCharsets.ISO_8859_1).split("\r\n", 2)[0].split(" ");
        boolean parsed = line.length >= 2 && line[1].startsWith("/");
        ContractConformance.shared().assertConforms(parsed ? line[0] : "GET", parsed ? line[1] : "/", x.status(),
            x.headers(), x.body());
      }
      return x;
    } catch (IOException e) {
      throw new IllegalStateException("raw exchange failed: " + e.getMessage(), e);
    }
  }

  static Exchange parse(String raw, boolean closed) {
    int headEnd = raw.indexOf("\r\n\r\n");
    if (!raw.startsWith("HTTP/") || headEnd < 0) return new Exchange(raw, -1, Map.of(), "", closed);
    String[] lines = raw.substring(0, headEnd).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
            (a, b) -> a + ", " + b);
      }
    }
    String rest = raw.substring(headEnd + 4);
    String len = headers.get("content-length");
    String body = len == null ? rest : rest.substring(0, Math.min(rest.length(), Integer.parseInt(len)));
    return new Exchange(raw, status, headers, body, closed);
  }
}
