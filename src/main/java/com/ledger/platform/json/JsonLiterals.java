package com.ledger.platform.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a JSON request body and keeps what a JSON number type loses: the literal text of every number whose value
 * does not spell it — fractions and exponents ({@code 10.50}, {@code 1.5e1}, {@code 1e400}, {@code 1e-400}) and
 * {@code -0} — keyed by its JSON Pointer ({@code /amount}, {@code /items/0/price}). Domain rules judge a numeric field by that
 * text (SPEC.md §15, numbers in request bodies), so {@code 1e400} is a format error of its field, never a 500.
 *
 * <p>The decoded value is what Vert.x's own decoding gives (Integer, Long, BigInteger, Double), except that a number
 * beyond the double range is a {@link BigDecimal} rather than an infinity. The literals travel beside the body
 * ({@code ApiRequest.numbers}) because no JSON number survives the (clustered) event bus with its text intact.
 * Later duplicate keys win, as in Vert.x; a body nested deeper than {@link #MAX_DEPTH} is refused as malformed.
 */
public final class JsonLiterals {
  /** Request bodies of this API are flat; deeper nesting is refused before it reaches the bus or a log line. */
  public static final int MAX_DEPTH = 64;
  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  /** A decoded body: the value and the literal text of each number the value cannot spell, by JSON Pointer. */
  public record Decoded(Object value, JsonObject numbers) {
    /** The body as SPEC.md §1.4 reads it: an absent, null, array or scalar body is {}. */
    public JsonObject object() {
      return value instanceof JsonObject o ? o : new JsonObject();
    }

    /** The literals of an object body ({} for anything else, whose numbers are not fields). */
    public JsonObject objectNumbers() {
      return value instanceof JsonObject ? numbers : new JsonObject();
    }
  }

  public static final Decoded EMPTY = new Decoded(null, new JsonObject());

  private JsonLiterals() {}

  /** An absent or empty body decodes to {@link #EMPTY}; malformed or too deep JSON throws {@link DecodeException}. */
  public static Decoded decode(Buffer raw) {
    if (raw == null || raw.length() == 0) return EMPTY;
    // parse a heap buffer in place: a body of up to the 1 MiB limit is not copied first
    if (raw instanceof BufferInternal b && b.getByteBuf().hasArray()) {
      ByteBuf bb = b.getByteBuf();
      return decode(bb.array(), bb.arrayOffset() + bb.readerIndex(), bb.readableBytes());
    }
    return decode(raw.getBytes());
  }

  public static Decoded decode(String raw) {
    return raw == null || raw.isEmpty() ? EMPTY : decode(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Decoded decode(byte[] raw) {
    return decode(raw, 0, raw.length);
  }

  private static Decoded decode(byte[] raw, int offset, int length) {
    JsonObject numbers = new JsonObject();
    try (JsonParser p = FACTORY.createParser(raw, offset, length)) {
      if (p.nextToken() == null) return EMPTY;
      Object value = value(p, "", numbers, 0);
      if (p.nextToken() != null) throw new DecodeException("Unexpected content after the JSON value");
      return new Decoded(value, numbers);
    } catch (IOException e) {
      throw new DecodeException("Malformed JSON", e);
    }
  }

  private static Object value(JsonParser p, String pointer, JsonObject numbers, int depth) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        nest(depth);
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          String at = pointer + "/" + escape(key);
          p.nextToken();
          if (map.containsKey(key)) forget(numbers, at);
          map.put(key, value(p, at, numbers, depth + 1));
        }
        return new JsonObject(map);
      }
      case START_ARRAY -> {
        nest(depth);
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) list.add(value(p, pointer + "/" + list.size(), numbers, depth + 1));
        return new JsonArray(list);
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        String text = p.getText();
        // an integer's value spells its literal (Integer, Long or BigInteger), except -0
        if (t == JsonToken.VALUE_NUMBER_FLOAT || text.equals("-0")) numbers.put(pointer, text);
        if (t == JsonToken.VALUE_NUMBER_INT) return p.getNumberValue();
        double d = p.getDoubleValue();
        return Double.isInfinite(d) ? new BigDecimal(text) : d;
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new DecodeException("Unexpected JSON token " + t);
    }
  }

  private static void nest(int depth) {
    if (depth >= MAX_DEPTH) throw new DecodeException("JSON nested deeper than " + MAX_DEPTH + " levels");
  }

  /** A repeated key replaces the earlier value: forget the literals recorded under it. */
  private static void forget(JsonObject numbers, String at) {
    numbers.fieldNames().removeIf(k -> k.equals(at) || k.startsWith(at + "/"));
  }

  /** RFC 6901: {@code ~} → {@code ~0}, {@code /} → {@code ~1}. */
  static String escape(String key) {
    return key.indexOf('~') < 0 && key.indexOf('/') < 0 ? key : key.replace("~", "~0").replace("/", "~1");
  }
}
