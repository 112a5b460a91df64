package com.ledger.platform.json;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * The domain side of {@link JsonLiterals}: the literal text of a numeric body field, and the shapes field rules ask
 * of it. A rule judges the text as written, so {@code 1.5e1} is not {@code 15} and {@code -0} is not {@code 0}.
 */
public final class JsonNumbers {
  private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
  private static final Pattern NATURAL = Pattern.compile("0|[1-9][0-9]*");

  private JsonNumbers() {}

  /**
   * The literal of the number {@code value} found at {@code pointer} of a body: the recorded text when the decoder kept
   * one, else the text the value spells (integers exactly; a double built in code as its shortest decimal). Null when
   * {@code value} is not a number or cannot be written as a decimal (an infinity).
   */
  public static String literal(Object value, JsonObject numbers, String pointer) {
    if (!(value instanceof Number n)) return null;
    String kept = numbers == null ? null : numbers.getString(pointer);
    if (kept != null) return kept;
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte || n instanceof BigInteger) {
      return n.toString();
    }
    if (n instanceof BigDecimal b) return b.toPlainString();
    double d = n.doubleValue();
    return Double.isFinite(d) ? BigDecimal.valueOf(d).toPlainString() : null;
  }

  /** The literal of top-level field {@code field} of {@code body}. */
  public static String field(JsonObject body, JsonObject numbers, String field) {
    return literal(body.getValue(field), numbers, "/" + JsonLiterals.escape(field));
  }

  /** Written as a plain decimal: an optional minus, digits, optionally a fraction; no exponent. */
  public static boolean isDecimal(String literal) {
    return literal != null && DECIMAL.matcher(literal).matches();
  }

  /** Written as a non-negative integer: digits only, no sign, no fraction, no exponent. */
  public static boolean isNatural(String literal) {
    return literal != null && NATURAL.matcher(literal).matches();
  }
}
