package com.ledger.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;

/** The one assertion for an error response: SPEC.md §1.2's problem+json, with its reason (and field). */
public final class ProblemAssert {
  private ProblemAssert() {}

  public static void assertProblem(Api.Resp r, int status, String reason) {
    assertProblem(r, status, reason, null);
  }

  /** {@code field} null: no check of {@code details.field}. */
  public static void assertProblem(Api.Resp r, int status, String reason, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("content-type")).startsWith("application/problem+json");
    JsonObject p = r.json();
    assertThat(p.getString("reason")).as(r.body()).isEqualTo(reason);
    assertThat(p.getInteger("status")).isEqualTo(status);
    assertThat(p.getInteger("code")).isEqualTo(status);
    assertThat(p.getString("type")).isEqualTo("https://api.ledgerbank.com/problems/" + reason);
    assertThat(p.getString("instance")).isEqualTo(r.header("x-correlation-id"));
    assertThat(p.getJsonObject("error").getString("reason")).isEqualTo(reason);
    assertThat(p.getJsonObject("details")).isNotNull();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at com.");
    if (field != null) assertThat(p.getJsonObject("details").getString("field")).as(r.body()).isEqualTo(field);
  }
}
