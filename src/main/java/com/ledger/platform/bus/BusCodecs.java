package com.ledger.platform.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * Event-bus codecs of the API envelopes ({@link ApiRequest}, {@link ApiReply}). Local delivery hands the sender's object
 * to the consumer as it is (the built-in {@code JsonObject} codec deep-copies every local message and reply); a message
 * to another node is the same JSON as before ({@code toJson}, length-prefixed). Envelopes are never changed once sent:
 * the sender lets go of them and the receiver only reads them.
 */
public final class BusCodecs {
  private BusCodecs() {}

  /** Registers both codecs as the default ones of their classes; a second call on the same Vert.x is a no-op. */
  public static void register(Vertx vertx) {
    var bus = vertx.eventBus();
    synchronized (bus) {
      try {
        bus.registerDefaultCodec(ApiRequest.class, new Envelope<>("ledger.api-request", ApiRequest::toJson,
            ApiRequest::fromJson));
        bus.registerDefaultCodec(ApiReply.class, new Envelope<>("ledger.api-reply", ApiReply::toJson, ApiReply::fromJson));
      } catch (IllegalStateException alreadyRegistered) {
        // another verticle of this node registered them first
      }
    }
  }

  /** The request as a consumer receives it: the sender's object locally, decoded JSON from older senders or tests. */
  static ApiRequest request(Object body) {
    if (body instanceof ApiRequest r) return r;
    return ApiRequest.fromJson(body instanceof JsonObject j ? j : new JsonObject());
  }

  /** The reply as the edge receives it (an {@link ApiReply}, or its JSON form). */
  public static ApiReply reply(Object body) {
    if (body instanceof ApiReply r) return r;
    return ApiReply.fromJson(body instanceof JsonObject j ? j : new JsonObject());
  }

  private record Envelope<T>(String name, Function<T, JsonObject> toJson, Function<JsonObject, T> fromJson)
      implements MessageCodec<T, T> {
    @Override
    public void encodeToWire(Buffer buffer, T value) {
      Buffer json = toJson.apply(value).toBuffer();
      buffer.appendInt(json.length()).appendBuffer(json);
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return fromJson.apply(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
    }

    @Override
    public T transform(T value) {
      return value;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
