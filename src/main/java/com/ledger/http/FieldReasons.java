package com.ledger.http;

import com.ledger.platform.errors.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The catalog reason a field's invalid value gets, declared next to the field in the contract: {@code x-error-reason}
 * in the schema of a parameter or of a top-level property of the JSON request body, e.g.
 * <pre>{@code
 * amount:
 *   x-error-reason: invalid_amount_format
 *   type: [string, number, 'null']
 * }</pre>
 * Read once per operation when the HTTP verticle starts; a field without one gets {@code missing_fields}. An unknown
 * reason stops the start.
 */
final class FieldReasons {
  static final String EXTENSION = "x-error-reason";

  private FieldReasons() {}

  /** The reasons of {@code op}'s fields by lower-cased name (a header's name is case-insensitive). */
  static Map<String, ErrorCode> of(Operation op) {
    Map<String, ErrorCode> reasons = new HashMap<>();
    for (Parameter p : op.getParameters()) put(reasons, op, p.getName(), p.getSchema());
    MediaType json = op.getRequestBody() == null ? null : op.getRequestBody().determineContentType("application/json");
    JsonSchema body = json == null ? null : json.getSchema();
    JsonObject properties = body == null ? null : body.get("properties");
    if (properties != null) {
      for (String name : properties.fieldNames()) {
        if (properties.getValue(name) instanceof JsonObject schema) put(reasons, op, name, JsonSchema.of(schema));
      }
    }
    return Map.copyOf(reasons);
  }

  private static void put(Map<String, ErrorCode> reasons, Operation op, String field, JsonSchema schema) {
    String reason = schema == null ? null : schema.get(EXTENSION);
    if (reason == null) return;
    ErrorCode code = ErrorCode.ofReason(reason).orElseThrow(() -> new IllegalStateException("openapi.yaml: "
        + op.getOperationId() + " " + field + ": " + EXTENSION + " '" + reason + "' is not a catalog reason"));
    reasons.put(field.toLowerCase(Locale.ROOT), code);
  }
}
