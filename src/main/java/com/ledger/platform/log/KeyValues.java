package com.ledger.platform.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/** {@code %kv} in text logs: the event's key=value pairs after the message (values with spaces quoted). */
public final class KeyValues extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs == null || pairs.isEmpty()) return "";
    StringBuilder b = new StringBuilder();
    for (KeyValuePair p : pairs) {
      String v = String.valueOf(p.value);
      b.append(' ').append(p.key).append('=');
      if (v.isEmpty() || v.indexOf(' ') >= 0 || v.indexOf('"') >= 0) b.append('"').append(v.replace("\"", "\\\"")).append('"');
      else b.append(v);
    }
    return b.toString();
  }
}
