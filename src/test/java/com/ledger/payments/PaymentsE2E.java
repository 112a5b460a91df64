package com.ledger.payments;

import com.ledger.support.Api;
import com.ledger.support.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One application (all roles, fresh database) per end-to-end test class of the payments context. */
abstract class PaymentsE2E {
  static TestApp app;
  static Api api;
  static Fixtures fx;

  @BeforeAll
  static void start() {
    app = TestApp.start();
    api = app.api;
    fx = new Fixtures(app.app.vertx(), app.app.config(), app.dbUrl);
  }

  @AfterAll
  static void stop() {
    app.close();
  }
}
