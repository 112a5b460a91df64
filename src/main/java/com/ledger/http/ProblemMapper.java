package com.ledger.http;

import static com.ledger.platform.errors.ErrorCode.*;

import com.ledger.platform.bus.Replies;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.validation.ValidatorException;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The only place where a failure becomes an HTTP response (problem+json). */
public final class ProblemMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemMapper.class);
  private final OpenAPIContract contract;
  private final int bodyLimit;

  public ProblemMapper(OpenAPIContract contract, int bodyLimit) {
    this.contract = contract;
    this.bodyLimit = bodyLimit;
  }

  public void handle(RoutingContext rc) {
    if (rc.response().closed()) return; // the client is gone (or the transport guard answered and closed)
    Problems.write(rc, toProblem(rc.failure(), rc.statusCode(), rc));
  }

  public void notFound(RoutingContext rc) {
    Problems.write(rc, new LedgerException(RESOURCE_NOT_FOUND, "No resource at " + safePath(rc)));
  }

  /** 405 with {@code Allow} computed from the contract (vertx-web's own list is not public). */
  public void methodNotAllowed(RoutingContext rc) {
    String allow = allowedMethods(rc.request().path());
    if (!allow.isEmpty()) rc.response().putHeader("Allow", allow);
    Problems.write(rc, new LedgerException(METHOD_NOT_ALLOWED, rc.request().method().name() + " is not allowed here",
        new JsonObject().put("allowed_methods", allow)));
  }

  String allowedMethods(String path) {
    Path p = contract.findPath(path);
    if (p == null && path.length() > 1 && path.endsWith("/")) {
      p = contract.findPath(path.substring(0, path.length() - 1)); // the router serves /api/users/ as /api/users
    }
    if (p == null) return "";
    return p.getOperations().stream().map(Operation::getHttpMethod).map(HttpMethod::name).sorted()
        .collect(Collectors.joining(", "));
  }

  LedgerException toProblem(Throwable t, int status, RoutingContext rc) {
    return switch (t) {
      case null -> ofStatus(status, rc);
      case LedgerException le -> le;
      case HttpException he when he.getCause() instanceof LedgerException le -> le;
      // ContractValidation answers with the operation's field reasons; a violation from elsewhere has none
      case HttpException he when he.getCause() instanceof ValidatorException ve -> ValidationProblems.from(ve, Map.of());
      case HttpException he when he.getStatusCode() == 401 ->
          new LedgerException(INVALID_TOKEN, "Missing or invalid bearer token");
      case HttpException he -> ofStatus(he.getStatusCode(), rc);
      case ValidatorException ve -> ValidationProblems.from(ve, Map.of());
      case ReplyException re -> Replies.decode(re);
      default -> {
        LOG.atError().addKeyValue("cid", Correlation.id(rc)).addKeyValue("path", safePath(rc)).setCause(t)
            .log("unhandled failure");
        yield new LedgerException(INTERNAL_SERVER_ERROR, INTERNAL_SERVER_ERROR.title);
      }
    };
  }

  private LedgerException ofStatus(int status, RoutingContext rc) {
    return switch (status) {
      case 400 -> new LedgerException(MISSING_FIELDS, "The request is invalid");
      case 401 -> new LedgerException(INVALID_TOKEN, "Missing or invalid bearer token");
      case 403 -> new LedgerException(INSUFFICIENT_PERMISSIONS, INSUFFICIENT_PERMISSIONS.title);
      case 404 -> new LedgerException(RESOURCE_NOT_FOUND, "No resource at " + safePath(rc));
      case 405 -> new LedgerException(METHOD_NOT_ALLOWED, "Method not allowed");
      case 413 -> SizeLimits.bodyTooLarge(bodyLimit);
      case 414 -> new LedgerException(REQUEST_URI_TOO_LONG, REQUEST_URI_TOO_LONG.title);
      case 415 -> new LedgerException(UNSUPPORTED_MEDIA_TYPE, UNSUPPORTED_MEDIA_TYPE.title);
      case 501 -> new LedgerException(NOT_IMPLEMENTED, NOT_IMPLEMENTED.title);
      case 503 -> new LedgerException(SERVICE_UNAVAILABLE, SERVICE_UNAVAILABLE.title);
      default -> new LedgerException(INTERNAL_SERVER_ERROR, INTERNAL_SERVER_ERROR.title);
    };
  }

  private static String safePath(RoutingContext rc) {
    String p = rc.request().path();
    return p == null ? "" : p.length() > 200 ? p.substring(0, 200) : p;
  }
}
