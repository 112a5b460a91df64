package com.ledger.http;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import com.ledger.platform.json.JsonLiterals;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.JsonSchemaValidationException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.Style;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidationContext;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.transformer.FormTransformer;
import io.vertx.openapi.validation.transformer.LabelTransformer;
import io.vertx.openapi.validation.transformer.MatrixTransformer;
import io.vertx.openapi.validation.transformer.ParameterTransformer;
import io.vertx.openapi.validation.transformer.SimpleTransformer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every request validated against the contract, synchronously on the event loop that received it. vertx-openapi's
 * {@code RequestValidator.validate} hands each request to a worker thread ({@code executeBlocking}) and builds a schema
 * validator per value; here the same checks (the parameters in the contract's order, then the body, with the library's
 * own transformers and exceptions, so the problems are unchanged) run with validators built once, when the HTTP
 * verticle starts on its event loop. The body is decoded once, by {@link JsonLiterals} (number literals kept), and that
 * decoded value is both validated and sent on the bus.
 */
final class ContractValidation {
  /** What the handlers after validation read: the parameters as sent and the body decoded once. */
  record Validated(JsonObject path, JsonObject query, JsonLiterals.Decoded body) {}

  static final String KEY = "ledger.validated";
  private static final Map<Style, ParameterTransformer> TRANSFORMERS = Map.of(Style.SIMPLE, new SimpleTransformer(),
      Style.FORM, new FormTransformer(), Style.LABEL, new LabelTransformer(), Style.MATRIX, new MatrixTransformer());

  private record Param(Parameter parameter, Validator validator) {}

  private record OperationRules(Operation op, List<Param> params, boolean hasBody, MediaType json, Validator body,
      boolean rawBody, Map<String, ErrorCode> reasons) {}

  private final Map<String, OperationRules> rules = new HashMap<>();

  ContractValidation(OpenAPIContract contract) {
    SchemaRepository repo = contract.getSchemaRepository();
    for (Path path : contract.getPaths()) {
      for (Operation op : path.getOperations()) {
        List<Param> params = new ArrayList<>();
        for (Parameter p : op.getParameters()) params.add(new Param(p, repo.validator(p.getSchema())));
        MediaType json = op.getRequestBody() == null ? null : op.getRequestBody().determineContentType("application/json");
        Validator body = json == null || json.getSchema() == null ? null : repo.validator(json.getSchema());
        rules.put(op.getOperationId(), new OperationRules(op, List.copyOf(params), op.getRequestBody() != null, json, body,
            Boolean.TRUE.equals(op.getExtensions().get("x-raw-body")), FieldReasons.of(op)));
      }
    }
  }

  /** Validates the request of {@code op}: on success the result is in {@code rc} under {@link #KEY} and true is returned. */
  boolean validate(RoutingContext rc, Operation op) {
    OperationRules r = rules.get(op.getOperationId());
    try {
      ValidatableRequest sent = RequestUtils.extract(rc.request(), op, () -> Future.succeededFuture()).result();
      JsonObject path = new JsonObject();
      JsonObject query = new JsonObject();
      for (Param p : r.params()) {
        switch (p.parameter().getIn()) {
          case PATH -> check(p, sent.getPathParameters().get(p.parameter().getName()), path);
          case QUERY -> check(p, sent.getQuery().get(p.parameter().getName()), query);
          // headers are read raw by the domain and none is required; cookies are not used
          default -> check(p, null, null);
        }
      }
      JsonLiterals.Decoded body = r.hasBody() ? body(rc, r) : JsonLiterals.EMPTY;
      // the raw bytes are not read again (only raw-body operations forward them): let a large body go now, not
      // when the reply is written (a login flood of 1 MiB bodies queued behind Argon2 held them all)
      if (r.hasBody() && !r.rawBody()) OpenApiWorkarounds.releaseBody(rc);
      rc.put(KEY, new Validated(path, query, body));
      return true;
    } catch (ValidatorException e) {
      rc.fail(new HttpException(400, e.getMessage(), ValidationProblems.from(e, r.reasons())));
    } catch (LedgerException e) {
      rc.fail(e);
    }
    return false;
  }

  /**
   * A parameter as RequestValidatorImpl checks it; the transformer gets the value as
   * {@link OpenApiWorkarounds#transformerInput} says.
   */
  private static void check(Param p, RequestParameter value, JsonObject into) {
    Parameter param = p.parameter();
    if (value == null || value.isNull()) {
      if (param.isRequired()) throw ValidatorException.createMissingRequiredParameter(param);
      return;
    }
    ParameterTransformer t = TRANSFORMERS.get(param.getStyle());
    if (t == null) throw ValidatorException.createUnsupportedValueFormat(param);
    Object raw = value.get();
    Object transformed = t.transform(param, OpenApiWorkarounds.transformerInput(raw));
    OutputUnit out = p.validator().validate(transformed);
    try {
      out.checkValidity();
    } catch (JsonSchemaValidationException e) {
      throw SchemaValidationException.createErrorFromOutputUnitType(param, out, e);
    }
    if (into != null) into.put(param.getName(), raw);
  }

  /**
   * The body, decoded once (SPEC.md §1.4: absent, null, array or scalar is {}), then checked against the schema.
   * Malformed JSON is {@code invalid_json_body}, except on {@code x-raw-body} operations (signed webhooks): their
   * service checks the signature over the raw body first (SPEC.md §9), so they see {} here.
   */
  private static JsonLiterals.Decoded body(RoutingContext rc, OperationRules r) {
    JsonLiterals.Decoded decoded;
    try {
      decoded = JsonLiterals.decode(rc.body() == null ? null : rc.body().buffer());
    } catch (DecodeException e) {
      if (!r.rawBody()) throw new LedgerException(ErrorCode.INVALID_JSON_BODY, "The request body is not valid JSON");
      decoded = JsonLiterals.EMPTY;
    }
    if (r.json() == null) {
      throw new ValidatorException("The format of the request body is not supported",
          ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT);
    }
    if (r.body() != null) {
      OutputUnit out = r.body().validate(decoded.object());
      try {
        out.checkValidity();
      } catch (JsonSchemaValidationException e) {
        throw SchemaValidationException.createInvalidValueBody(out, ValidationContext.REQUEST, e);
      }
    }
    return decoded;
  }
}
