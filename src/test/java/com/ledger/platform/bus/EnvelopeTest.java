package com.ledger.platform.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.json.EncodedJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Envelope#encode} writes exactly the bytes of the envelope object encoded by the codec. */
class EnvelopeTest {
  private static final Instant NOW = Instant.parse("2026-11-30T19:33:24.512Z");

  @Test
  void encode_is_byte_for_byte_the_envelope_object() {
    JsonObject user = new JsonObject().put("id", "34bdedd8").put("email", "me@example.com").put("full_name", "Zoë \"Q\" \\ \u0001 \u2028")
        .put("active", true).put("n", 12).put("amount", new BigDecimal("0.010")).putNull("deleted_at")
        .put("tags", new JsonArray().add("a").add(new JsonObject().put("x", 1.5)));
    List<Object> data = new ArrayList<>();
    data.add(user);
    data.add(new EncodedJson(user));
    data.add(new JsonArray().add(user).add(2));
    data.add("text with \"quotes\"");
    data.add(42);
    data.add(null);
    data.add(new JsonObject());
    data.add(Map.of("k", "v"));
    List<JsonObject> metadata = new ArrayList<>();
    metadata.add(null);
    metadata.add(new JsonObject());
    metadata.add(new JsonObject().put("total_count", 120_000).put("page", 1).put("next", (String) null));
    List<String> ids = List.of("5c8561b213f9e45b17aece82b7c1b62a", "client-abc-123", "a\"b\\c", "~!@#$%^&*()_+{}|:<>?`-=[];',./",
        "é-not-ascii", "tab\tin");
    for (Object d : data) {
      for (JsonObject m : metadata) {
        for (String cid : ids) {
          // the object form as the reader expects it: EncodedJson encodes as the plain object it was made from
          String expected = Envelope.of(d, m, cid, NOW).toBuffer().toString();
          assertThat(Envelope.encode(d, m, cid, NOW).toString()).as("%s %s %s", d, m, cid).isEqualTo(expected);
        }
      }
    }
    assertThat(Envelope.encode(null, null, null, NOW).toString()).isEqualTo(Envelope.of(null, null, null, NOW).encode());
  }

  @Test
  void encoded_json_writes_the_bytes_it_was_made_with_and_reads_like_its_source() {
    JsonObject user = new JsonObject().put("id", "u1").put("role", "user");
    EncodedJson kept = new EncodedJson(user);
    assertThat(new String(kept.encoded(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(user.encode());
    assertThat(kept.getString("role")).isEqualTo("user");
    assertThat(kept.getMap()).isEqualTo(user.getMap());
    assertThat(Envelope.encode(kept, null, "c", NOW).toJsonObject().getJsonObject("data")).isEqualTo(user);
  }
}
