package com.ledger.platform.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class KeyValuesTest {
  @Test
  void pairs_follow_the_message_as_key_equals_value() {
    LoggingEvent e = new LoggingEvent("x", new LoggerContext().getLogger("t"), Level.INFO, "node started", null, null);
    assertThat(new KeyValues().convert(e)).isEmpty();
    e.addKeyValuePair(new KeyValuePair("port", 4000));
    e.addKeyValuePair(new KeyValuePair("roles", "[http, users]"));
    e.addKeyValuePair(new KeyValuePair("name", ""));
    assertThat(new KeyValues().convert(e)).isEqualTo(" port=4000 roles=\"[http, users]\" name=\"\"");
  }
}
