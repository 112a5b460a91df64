package com.ledger.http;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a contract violation into the catalog reason SPEC.md gives the failing field (declared next to the field in the
 * contract, {@link FieldReasons}), with the field named in {@code details.field}. The contract types request fields
 * but leaves formats to the domain, so what reaches here is a wrong JSON type, a malformed body or a non-UUID path id.
 */
final class ValidationProblems {
  private static final Pattern PARAM = Pattern.compile("(path|query|header|cookie) parameter (\\S+) ");
  private static final Pattern REQUIRED = Pattern.compile("required property \"([^\"]+)\"");

  private ValidationProblems() {}

  /** @param reasons the operation's field reasons ({@link FieldReasons#of}); any other field is {@code missing_fields} */
  static LedgerException from(ValidatorException ve, Map<String, ErrorCode> reasons) {
    String msg = ve.getMessage() == null ? "" : ve.getMessage();
    if (ve.type() == ValidatorErrorType.ILLEGAL_VALUE && msg.contains("can't be decoded")) {
      return new LedgerException(INVALID_JSON_BODY, "The request body is not valid JSON");
    }
    Matcher pm = PARAM.matcher(msg);
    if (pm.find()) {
      String name = pm.group(2);
      return forField(reasons, name, ve.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER
          ? name + " is required" : "The value of " + pm.group(1) + " parameter " + name + " is invalid");
    }
    if (ve instanceof SchemaValidationException sve && sve.getOutputUnit() != null) {
      OutputUnit unit = firstLeaf(sve.getOutputUnit());
      String location = unit.getInstanceLocation() == null ? "#" : unit.getInstanceLocation();
      String error = unit.getError() == null ? "" : unit.getError();
      Matcher rm = REQUIRED.matcher(error);
      if (rm.find()) return LedgerException.field(MISSING_FIELDS, rm.group(1), rm.group(1) + " is required");
      String field = location.startsWith("#/") ? location.substring(2).split("/")[0] : "";
      if (field.isEmpty()) {
        return new LedgerException(INVALID_JSON_BODY, "The request body must be a JSON object");
      }
      return forField(reasons, field, field + ": " + error);
    }
    if (ve.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER) {
      return new LedgerException(MISSING_FIELDS, "The request body is required", new JsonObject());
    }
    return new LedgerException(MISSING_FIELDS, "The request does not match the API contract");
  }

  private static LedgerException forField(Map<String, ErrorCode> reasons, String field, String message) {
    ErrorCode code = reasons.getOrDefault(field.toLowerCase(java.util.Locale.ROOT), MISSING_FIELDS);
    return LedgerException.field(code, field, message);
  }

  private static OutputUnit firstLeaf(OutputUnit unit) {
    if (unit.getErrors() != null && !unit.getErrors().isEmpty()) return firstLeaf(unit.getErrors().get(0));
    return unit;
  }
}
