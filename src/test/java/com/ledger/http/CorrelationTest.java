package com.ledger.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** The correlation-id rule (1-128 visible ASCII, else a generated id) and the HTTP/1.x framing rules, as tables. */
class CorrelationTest {
  @Test
  void only_visible_ascii_ids_are_kept() {
    for (String kept : new String[] {"a", "client-abc-123", "x".repeat(128), "!~", "{\"json\":1}"}) {
      assertThat(Correlation.of(kept)).as(kept).isEqualTo(kept);
    }
    for (String replaced : new String[] {null, "", " ", "ab\u007fcd", "\u007f", "a\u0001b", "a\tb", "a b", "\u00e9t\u00e9",
        "x".repeat(129), "\u200b", "a\u0000"}) {
      String id = Correlation.of(replaced);
      assertThat(id).as(String.valueOf(replaced)).matches("[0-9a-f]{32}");
    }
    assertThat(Correlation.of(null)).isNotEqualTo(Correlation.of(null));
  }

  @Test
  void http11_framing_rules() {
    record Case(HttpVersion version, String[] headers, String problem) {}
    Case[] cases = {
        new Case(HttpVersion.HTTP_1_1, new String[] {"Host", "a"}, null),
        new Case(HttpVersion.HTTP_1_1, new String[] {"Host", "a:8080"}, null),
        new Case(HttpVersion.HTTP_1_0, new String[] {}, null),
        new Case(HttpVersion.HTTP_1_1, new String[] {}, "Host"),
        new Case(HttpVersion.HTTP_1_1, new String[] {"Host", "a", "Host", "b"}, "Host"),
        new Case(HttpVersion.HTTP_1_1, new String[] {"Host", "bad host!"}, "Host"),
        new Case(HttpVersion.HTTP_1_1, new String[] {"Host", "a", "Transfer-Encoding", "chunked"}, null),
        new Case(HttpVersion.HTTP_1_1, new String[] {"Host", "a", "Transfer-Encoding", "gzip, chunked"}, null),
        new Case(HttpVersion.HTTP_1_1, new String[] {"Host", "a", "Transfer-Encoding", "chunked, gzip"}, "chunked"),
        new Case(HttpVersion.HTTP_1_1, new String[] {"Host", "a", "Transfer-Encoding", "xchunked"}, "chunked"),
        new Case(HttpVersion.HTTP_1_0, new String[] {"Transfer-Encoding", "identity"}, "chunked")};
    for (Case c : cases) {
      DefaultHttpRequest req = new DefaultHttpRequest(c.version(), HttpMethod.POST, "/api/x");
      for (int i = 0; i < c.headers().length; i += 2) req.headers().add(c.headers()[i], c.headers()[i + 1]);
      String problem = StrictRequestDecoder.framingProblem(req);
      if (c.problem() == null) assertThat(problem).as(c.toString()).isNull();
      else assertThat(problem).as(c.toString()).contains(c.problem());
    }
  }
}
