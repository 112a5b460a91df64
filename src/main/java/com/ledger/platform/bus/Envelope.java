package com.ledger.platform.bus;

import com.ledger.platform.json.EncodedJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The success envelope of SPEC.md §1.1. */
public final class Envelope {
  /** The last second formatted (ISO-8601, whole seconds): every envelope of that second reuses its text. */
  private record Stamp(long second, String text, byte[] json) {}

  private static final byte[] DATA = bytes("{\"data\":");
  private static final byte[] TIMESTAMP = bytes(",\"success\":true,\"timestamp\":");
  private static final byte[] CORRELATION = bytes(",\"correlation_id\":");
  private static final byte[] METADATA = bytes(",\"metadata\":");
  private static final byte[] EMPTY_METADATA = bytes(",\"metadata\":{}}");
  private static final byte[] NULL = bytes("null");

  private static volatile Stamp last = new Stamp(Long.MIN_VALUE, "", new byte[0]);

  private Envelope() {}

  public static JsonObject of(Object data, JsonObject metadata, String correlationId, Instant now) {
    return new JsonObject()
        .put("data", data)
        .put("success", true)
        .put("timestamp", timestamp(now.getEpochSecond()))
        .put("correlation_id", correlationId)
        .put("metadata", metadata == null ? new JsonObject() : metadata);
  }

  /**
   * {@code of(data, metadata, correlationId, now).toBuffer()}, byte for byte, without building the envelope object:
   * the fixed parts are constant bytes, the timestamp is formatted once per second, {@code data} and
   * {@code metadata} are encoded by the same codec ({@link EncodedJson} data is copied as it was encoded).
   */
  public static Buffer encode(Object data, JsonObject metadata, String correlationId, Instant now) {
    byte[] value = data == null ? NULL : data instanceof EncodedJson e ? e.encoded() : Json.CODEC.toBuffer(data, false).getBytes();
    byte[] meta = metadata == null || metadata.isEmpty() ? null : Json.CODEC.toBuffer(metadata, false).getBytes();
    byte[] ts = stamp(now.getEpochSecond()).json();
    byte[] cid = string(correlationId);
    int size = DATA.length + value.length + TIMESTAMP.length + ts.length + CORRELATION.length + cid.length
        + (meta == null ? EMPTY_METADATA.length : METADATA.length + meta.length + 1);
    byte[] out = new byte[size];
    int at = put(out, 0, DATA);
    at = put(out, at, value);
    at = put(out, at, TIMESTAMP);
    at = put(out, at, ts);
    at = put(out, at, CORRELATION);
    at = put(out, at, cid);
    if (meta == null) {
      put(out, at, EMPTY_METADATA);
    } else {
      at = put(out, at, METADATA);
      at = put(out, at, meta);
      out[at] = '}';
    }
    return Buffer.buffer(out);
  }

  /** {@code Instant.ofEpochSecond(second).toString()}, formatted once per second. */
  static String timestamp(long second) {
    return stamp(second).text();
  }

  private static Stamp stamp(long second) {
    Stamp s = last;
    if (s.second() != second) {
      String text = Instant.ofEpochSecond(second).toString();
      s = new Stamp(second, text, string(text));
      last = s;
    }
    return s;
  }

  /** A JSON string as the codec writes it: printable ASCII without quote or backslash as it is, anything else by the codec. */
  private static byte[] string(String s) {
    if (s == null) return NULL;
    int n = s.length();
    byte[] out = new byte[n + 2];
    out[0] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return Json.CODEC.toBuffer(s, false).getBytes();
      out[i + 1] = (byte) c;
    }
    out[n + 1] = '"';
    return out;
  }

  private static int put(byte[] out, int at, byte[] part) {
    System.arraycopy(part, 0, out, at, part.length);
    return at + part.length;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
