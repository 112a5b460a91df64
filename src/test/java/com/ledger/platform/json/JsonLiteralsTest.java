package com.ledger.platform.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The body decoder that keeps each number's literal text, and the literal rules fields use. */
class JsonLiteralsTest {
  private static JsonLiterals.Decoded decode(String json) {
    return JsonLiterals.decode(Buffer.buffer(json));
  }

  @Test
  void keeps_the_text_of_numbers_their_value_cannot_spell() {
    var d = decode("{\"a\": 10.50, \"b\": 1.5e1, \"c\": 1e400, \"d\": -1e400, \"e\": 1e-400, \"f\": -0, \"g\": 7, "
        + "\"h\": 123456789012345678901234567890, \"i\": \"1e400\", \"j\": -0.0}");
    assertThat(d.numbers().getMap()).containsOnly(
        java.util.Map.entry("/a", "10.50"), java.util.Map.entry("/b", "1.5e1"), java.util.Map.entry("/c", "1e400"),
        java.util.Map.entry("/d", "-1e400"), java.util.Map.entry("/e", "1e-400"), java.util.Map.entry("/f", "-0"),
        java.util.Map.entry("/j", "-0.0"));
    JsonObject o = d.object();
    assertThat(o.getValue("a")).isEqualTo(10.5);
    assertThat(o.getValue("c")).isEqualTo(new BigDecimal("1e400"));
    assertThat(o.getValue("d")).isEqualTo(new BigDecimal("-1e400"));
    assertThat(o.getValue("e")).isEqualTo(0.0);
    assertThat(o.getValue("f")).isEqualTo(0);
    assertThat(o.getValue("g")).isEqualTo(7);
    assertThat(o.getValue("h")).isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(o.getValue("i")).isEqualTo("1e400");
    // the body still encodes (no infinities): it goes on the bus and into logs
    assertThat(o.encode()).contains("\"c\":1E+400");
  }

  @Test
  void nested_numbers_are_keyed_by_json_pointer() {
    var d = decode("{\"a/b\": {\"c~d\": [1, 2.50, {\"x\": 3e0}]}}");
    assertThat(d.numbers().getMap()).containsOnlyKeys("/a~1b/c~0d/1", "/a~1b/c~0d/2/x");
    assertThat(JsonNumbers.literal(2.5, d.numbers(), "/a~1b/c~0d/1")).isEqualTo("2.50");
  }

  @Test
  void a_repeated_key_wins_and_takes_its_literals_with_it() {
    var d = decode("{\"amount\": 1e400, \"amount\": \"10.00\", \"x\": {\"y\": 1.0}, \"x\": 5}");
    assertThat(d.object().getValue("amount")).isEqualTo("10.00");
    assertThat(d.object().getValue("x")).isEqualTo(5);
    assertThat(d.numbers().isEmpty()).as(d.numbers().encode()).isTrue();
  }

  @Test
  void bodies_that_are_not_objects_read_as_empty_objects() {
    for (String json : new String[] {"[1.5, 2]", "1.5e1", "\"s\"", "null", "true"}) {
      var d = decode(json);
      assertThat(d.object().isEmpty()).as(json).isTrue();
      assertThat(d.objectNumbers().isEmpty()).as(json).isTrue();
    }
    assertThat(JsonLiterals.decode((Buffer) null)).isSameAs(JsonLiterals.EMPTY);
    assertThat(JsonLiterals.decode(Buffer.buffer())).isSameAs(JsonLiterals.EMPTY);
    assertThat(decode("  ")).isSameAs(JsonLiterals.EMPTY);
    assertThat(decode("[[1]]").value()).isEqualTo(new JsonArray().add(new JsonArray().add(1)));
  }

  @Test
  void malformed_or_too_deep_json_is_refused() {
    for (String json : new String[] {"{", "{\"a\": }", "{} {}", "{\"a\": 1}x", "{'a': 1}", "{\"a\": NaN}",
        "{\"a\": +1}", "{\"a\": 01}", "{\"a\": .5}"}) {
      assertThatThrownBy(() -> decode(json)).as(json).isInstanceOf(DecodeException.class);
    }
    String deep = "[".repeat(JsonLiterals.MAX_DEPTH + 1) + "]".repeat(JsonLiterals.MAX_DEPTH + 1);
    assertThatThrownBy(() -> decode(deep)).isInstanceOf(DecodeException.class).hasMessageContaining("nested");
    String ok = "[".repeat(JsonLiterals.MAX_DEPTH) + "]".repeat(JsonLiterals.MAX_DEPTH);
    assertThat(decode(ok).value()).isInstanceOf(JsonArray.class);
    String huge = "{\"a\": 1" + "0".repeat(5000) + "}";
    assertThatThrownBy(() -> decode(huge)).isInstanceOf(DecodeException.class);
  }

  @Test
  void literal_shapes() {
    assertThat(JsonNumbers.isDecimal("10.50")).isTrue();
    assertThat(JsonNumbers.isDecimal("-0")).isTrue();
    assertThat(JsonNumbers.isDecimal("1.5e1")).isFalse();
    assertThat(JsonNumbers.isDecimal("1E2")).isFalse();
    assertThat(JsonNumbers.isDecimal(null)).isFalse();
    assertThat(JsonNumbers.isNatural("0")).isTrue();
    assertThat(JsonNumbers.isNatural("3600")).isTrue();
    assertThat(JsonNumbers.isNatural("-0")).isFalse();
    assertThat(JsonNumbers.isNatural("3600.0")).isFalse();
    assertThat(JsonNumbers.isNatural("3.6e3")).isFalse();
    assertThat(JsonNumbers.literal(12.5, null, "/a")).isEqualTo("12.5");
    assertThat(JsonNumbers.literal(Double.NaN, null, "/a")).isNull();
    assertThat(JsonNumbers.literal("12.5", null, "/a")).isNull();
    assertThat(JsonNumbers.literal(new BigDecimal("1E+3"), null, "/a")).isEqualTo("1000");
  }
}
