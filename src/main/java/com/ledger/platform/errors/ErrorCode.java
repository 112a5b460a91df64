package com.ledger.platform.errors;

import static com.ledger.platform.errors.ErrorCategory.*;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one catalog of error reasons (SPEC.md §3.2 plus the transport-level problems of §1.2).
 * On the wire the reason is the lower-case name; {@link #failureCode} is the int that crosses the event bus.
 */
public enum ErrorCode {
  // validation
  INVALID_AMOUNT_FORMAT(1001, VALIDATION, "Invalid amount format"),
  MISSING_FIELDS(1002, VALIDATION, "Required fields are missing"),
  INVALID_DIRECTION(1003, VALIDATION, "Invalid payment direction"),
  INVALID_EMAIL_FORMAT(1004, VALIDATION, "Invalid email format"),
  INVALID_PASSWORD_FORMAT(1005, VALIDATION, "Invalid password format"),
  INVALID_UUID_FORMAT(1006, VALIDATION, "Invalid UUID format"),
  INVALID_DATETIME_FORMAT(1007, VALIDATION, "Invalid datetime format"),
  INVALID_NAME_FORMAT(1008, VALIDATION, "Invalid name format"),
  INVALID_ROLE(1009, VALIDATION, "Invalid role"),
  INVALID_STATUS(1010, VALIDATION, "Invalid status"),
  INVALID_PAYMENT_TYPE(1011, VALIDATION, "Invalid payment type"),
  INVALID_CURRENCY_FORMAT(1012, VALIDATION, "Invalid currency format"),
  INVALID_ACCOUNT_TYPE(1013, VALIDATION, "Invalid account type"),
  INVALID_DESCRIPTION_FORMAT(1014, VALIDATION, "Invalid description format"),
  INVALID_ACCOUNT_NAME_FORMAT(1015, VALIDATION, "Invalid account name format"),
  AMOUNT_TOO_SMALL(1016, VALIDATION, "Amount is too small"),
  DESCRIPTION_REQUIRED(1017, VALIDATION, "Description is required"),
  DESCRIPTION_TOO_LONG(1018, VALIDATION, "Description is too long"),
  WEBHOOK_PROCESSING_FAILED(1019, VALIDATION, "Webhook processing failed"),
  INVALID_REASON_FORMAT(1020, VALIDATION, "Invalid error reason format"),
  INVALID_CATEGORY(1021, VALIDATION, "Invalid error category"),
  INVALID_CATEGORY_FORMAT(1022, VALIDATION, "Invalid error category format"),
  INVALID_JSON_BODY(1023, VALIDATION, "Malformed JSON request body"),
  INVALID_USERNAME_FORMAT(1024, VALIDATION, "Invalid username format"),
  INVALID_IDEMPOTENCY_KEY(1025, VALIDATION, "Invalid idempotency key"),
  /** Malformed HTTP framing: a bad header, no Host on HTTP/1.1, broken chunks, conflicting lengths (SPEC.md §15). */
  BAD_REQUEST(1026, VALIDATION, "Bad request"),
  // not_found
  USER_NOT_FOUND(2001, NOT_FOUND, "User not found"),
  ACCOUNT_NOT_FOUND(2002, NOT_FOUND, "Account not found"),
  PAYMENT_NOT_FOUND(2003, NOT_FOUND, "Payment not found"),
  TOKEN_NOT_FOUND(2004, NOT_FOUND, "Token not found"),
  BANK_NOT_FOUND(2005, NOT_FOUND, "Bank not found"),
  JOB_NOT_FOUND(2006, NOT_FOUND, "Job not found"),
  RESOURCE_NOT_FOUND(2007, NOT_FOUND, "Resource not found"),
  RECONCILIATION_NOT_FOUND(2008, NOT_FOUND, "Reconciliation not found"),
  // authentication
  INVALID_CREDENTIALS(3001, AUTHENTICATION, "Invalid credentials"),
  INVALID_PASSWORD(3002, AUTHENTICATION, "Invalid password"),
  INVALID_TOKEN(3003, AUTHENTICATION, "Invalid token"),
  TOKEN_EXPIRED(3004, AUTHENTICATION, "Token has expired"),
  TOKEN_REVOKED(3005, AUTHENTICATION, "Token has been revoked"),
  INVALID_TOKEN_TYPE(3006, AUTHENTICATION, "Invalid token type"),
  INVALID_REFRESH_TOKEN_FORMAT(3007, AUTHENTICATION, "Invalid refresh token format"),
  INVALID_ISSUER(3008, AUTHENTICATION, "Invalid token issuer"),
  INVALID_AUDIENCE(3009, AUTHENTICATION, "Invalid token audience"),
  TOKEN_NOT_YET_VALID(3010, AUTHENTICATION, "Token not yet valid"),
  MISSING_REQUIRED_CLAIMS(3011, AUTHENTICATION, "Missing required token claims"),
  UNAUTHORIZED(3012, AUTHENTICATION, "Unauthorized access"),
  // authorization
  FORBIDDEN(4001, AUTHORIZATION, "Access forbidden"),
  INSUFFICIENT_PERMISSIONS(4002, AUTHORIZATION, "Insufficient permissions"),
  UNAUTHORIZED_ACCESS(4003, AUTHORIZATION, "Unauthorized access to account"),
  // conflict
  EMAIL_ALREADY_EXISTS(5001, CONFLICT, "Email already exists"),
  ALREADY_PROCESSED(5002, CONFLICT, "Resource has already been processed"),
  DUPLICATE_TRANSACTION(5003, CONFLICT, "Duplicate transaction"),
  BANK_LOGIN_EXISTS(5004, CONFLICT, "Bank login already exists"),
  JOB_NOT_RETRYABLE(5005, CONFLICT, "Job cannot be retried in its current state"),
  IDEMPOTENCY_KEY_IN_USE(5006, CONFLICT, "A request with this idempotency key is in progress"),
  // business_rule
  INSUFFICIENT_FUNDS(6001, BUSINESS_RULE, "Insufficient funds for this transaction"),
  ACCOUNT_INACTIVE(6002, BUSINESS_RULE, "Account is inactive"),
  ACCOUNT_FROZEN(6003, BUSINESS_RULE, "Account is frozen"),
  ACCOUNT_SUSPENDED(6004, BUSINESS_RULE, "Account is suspended"),
  DAILY_LIMIT_EXCEEDED(6005, BUSINESS_RULE, "Daily payment limit exceeded"),
  AMOUNT_EXCEEDS_LIMIT(6006, BUSINESS_RULE, "Payment amount exceeds single transaction limit"),
  NEGATIVE_AMOUNT(6007, BUSINESS_RULE, "Payment amount cannot be negative"),
  NEGATIVE_BALANCE(6008, BUSINESS_RULE, "Account balance cannot be negative"),
  CURRENCY_MISMATCH(6009, BUSINESS_RULE, "Payment currency does not match account currency"),
  BANK_CREDENTIALS_INVALID(6010, BUSINESS_RULE, "Bank rejected the supplied credentials"),
  IDEMPOTENCY_KEY_REUSED(6011, BUSINESS_RULE, "Idempotency key reused with a different request"),
  // external_dependency
  TIMEOUT(7001, EXTERNAL_DEPENDENCY, "Request timeout"),
  SERVICE_UNAVAILABLE(7002, EXTERNAL_DEPENDENCY, "Service temporarily unavailable"),
  BANK_API_ERROR(7003, EXTERNAL_DEPENDENCY, "Bank API error"),
  PAYMENT_PROVIDER_ERROR(7004, EXTERNAL_DEPENDENCY, "Payment provider error"),
  // system
  INTERNAL_SERVER_ERROR(9001, SYSTEM, "An unexpected error occurred"),
  DATABASE_ERROR(9002, SYSTEM, "Database error"),
  CONFIGURATION_ERROR(9003, SYSTEM, "Configuration error"),

  // transport-level problems (SPEC.md §1.2): same body shape, not part of the registry
  RATE_LIMIT_EXCEEDED(10001, RATE_LIMIT, 429, "Rate limit exceeded"),
  REQUEST_BODY_TOO_LARGE(10002, VALIDATION, 413, "Request body too large"),
  REQUEST_HEADERS_TOO_LARGE(10003, VALIDATION, 413, "Request headers too large"),
  REQUEST_URI_TOO_LONG(10004, VALIDATION, 414, "Request URI too long"),
  UNSUPPORTED_API_VERSION(10005, VALIDATION, 400, "Unsupported API version"),
  METHOD_NOT_ALLOWED(10006, VALIDATION, 405, "Method not allowed"),
  UNSUPPORTED_MEDIA_TYPE(10007, VALIDATION, 415, "Unsupported media type"),
  NOT_IMPLEMENTED(10008, SYSTEM, 501, "Operation not implemented");

  public final int failureCode;
  public final ErrorCategory category;
  public final int status;
  public final String title;
  /** True for the entries of SPEC §3.2 (the public registry); false for transport-level problems. */
  public final boolean catalogued;

  ErrorCode(int failureCode, ErrorCategory category, String title) {
    this(failureCode, category, category.status, title, true);
  }

  ErrorCode(int failureCode, ErrorCategory category, int status, String title) {
    this(failureCode, category, status, title, false);
  }

  ErrorCode(int failureCode, ErrorCategory category, int status, String title, boolean catalogued) {
    this.failureCode = failureCode;
    this.category = category;
    this.status = status;
    this.title = title;
    this.catalogued = catalogued;
  }

  private static final Map<Integer, ErrorCode> BY_CODE =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(e -> e.failureCode, Function.identity()));
  private static final Map<String, ErrorCode> BY_REASON =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ErrorCode::reason, Function.identity()));

  /** The wire reason, e.g. {@code insufficient_funds}. */
  public String reason() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String type() {
    return "https://api.ledgerbank.com/problems/" + reason();
  }

  public boolean retryable() {
    return category.retryable;
  }

  public static ErrorCode ofFailureCode(int code) {
    return BY_CODE.getOrDefault(code, INTERNAL_SERVER_ERROR);
  }

  public static Optional<ErrorCode> ofReason(String reason) {
    return Optional.ofNullable(BY_REASON.get(reason));
  }
}
