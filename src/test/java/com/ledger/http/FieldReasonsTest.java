package com.ledger.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ledger.platform.errors.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.openapi.contract.OpenAPIContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A field's validation reason is the {@code x-error-reason} declared next to it in the contract. */
class FieldReasonsTest {
  static final String AMOUNT = "        amount:\n          x-error-reason: invalid_amount_format\n";
  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  static OpenAPIContract load(Path file) {
    return ContractLoader.load(vertx, file.toString()).await().contract();
  }

  static Map<String, ErrorCode> reasons(OpenAPIContract contract, String operationId) {
    return FieldReasons.of(contract.operation(operationId));
  }

  @Test
  void parameters_and_body_properties_carry_the_reason_the_contract_declares() {
    OpenAPIContract contract = load(Path.of("openapi.yaml"));
    assertThat(reasons(contract, "payments.create")).containsEntry("amount", ErrorCode.INVALID_AMOUNT_FORMAT)
        .containsEntry("user_bank_account_id", ErrorCode.INVALID_UUID_FORMAT)
        .containsEntry("idempotency-key", ErrorCode.INVALID_IDEMPOTENCY_KEY);  // a header's name, lower-cased
    assertThat(reasons(contract, "payments.get")).containsExactly(Map.entry("id", ErrorCode.INVALID_UUID_FORMAT));
    assertThat(reasons(contract, "payments.list")).containsEntry("status", ErrorCode.INVALID_STATUS)
        .doesNotContainKey("page");  // no reason declared: missing_fields
  }

  @Test
  void changing_the_declaration_in_the_contract_changes_the_reason(@TempDir Path dir) throws Exception {
    String yaml = Files.readString(Path.of("openapi.yaml"));
    assertThat(yaml).contains(AMOUNT);
    Path changed = dir.resolve("openapi.yaml");
    Files.writeString(changed, yaml.replace(AMOUNT, AMOUNT.replace("invalid_amount_format", "negative_amount")));
    assertThat(reasons(load(changed), "payments.create")).containsEntry("amount", ErrorCode.NEGATIVE_AMOUNT);

    Files.writeString(changed, yaml.replace(AMOUNT, AMOUNT.replace("invalid_amount_format", "no_such_reason")));
    OpenAPIContract bad = load(changed);
    assertThatThrownBy(() -> reasons(bad, "payments.create")).isInstanceOf(IllegalStateException.class)
        .hasMessage("openapi.yaml: payments.create amount: x-error-reason 'no_such_reason' is not a catalog reason");
  }
}
