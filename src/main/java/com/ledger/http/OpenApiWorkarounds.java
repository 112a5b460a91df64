package com.ledger.http;

import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * What vertx-openapi and vertx-web 5.0.7 make the edge work around, in one place. Each method says how to tell that
 * the library is fixed; then delete the method and use what its javadoc names instead. (The edge also validates
 * requests itself, in {@link ContractValidation}, because vertx-openapi 5.0.7's {@code RequestValidator} hands every
 * request to a worker thread and builds its schema validators per value; that is a design choice, not a bug.)
 */
final class OpenApiWorkarounds {
  private OpenApiWorkarounds() {}

  /**
   * The text to hand a {@code ParameterTransformer} for a parameter value as sent. vertx-openapi 5.0.7 parses a raw
   * value that is not {@code \w+} as JSON first, so a string parameter sent as {@code 12.5}, {@code -5}, {@code +4}
   * or a JSON cursor fails as "Instance type number is invalid. Expected string" (upstream: eclipse-vertx/vertx-openapi
   * issue #114, "ParameterTransformer.transformPrimitive fails when scheme.type=string and valueRaw is numeric",
   * open when checked, its PR #115 closed unmerged; earlier vert-x3/vertx-web#2709). Every parameter of our contract
   * is a string, so the value is handed over JSON-quoted and the transformer sees exactly what was sent.
   * <p>Fixed when: {@code new SimpleTransformer().transform(param, "12.5")} returns the String "12.5" for a
   * {@code type: string} parameter; then pass {@code String.valueOf(raw)}.
   */
  static String transformerInput(Object raw) {
    return raw instanceof String s ? Json.encode(s) : String.valueOf(raw);
  }

  /**
   * Lets go of a request body that was decoded already and is not read again, so a large body is not held until the
   * reply is written. vertx-web 5.0.7 has no public way to drop {@code rc.body()}; {@code RoutingContextInternal}
   * (an {@code impl} class) has {@code setBody}. Without it nothing breaks, only memory under a flood of large bodies
   * grows (see the commit "No OOM under a 1 MiB-body flood").
   * <p>Fixed when: {@code RoutingContext} (or {@code RequestBody}) offers a public way to release the body.
   */
  static void releaseBody(RoutingContext rc) {
    if (rc instanceof RoutingContextInternal internal) internal.setBody(null);
  }
}
