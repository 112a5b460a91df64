package com.ledger.payments;

import com.ledger.support.Api;
import com.ledger.support.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One application (all roles, fresh database) per end-to-end test class of the payments context. After the class,
 * the ledger must verify (issue 12: whatever the tests did through the API, every entry balances, every chain
 * recomputes, every balance is its journal's sum), unless the class says why not ({@link #ledgerUnchecked}).
 */
abstract class PaymentsE2E {
  static TestApp app;
  static Api api;
  static Fixtures fx;
  /**
   * Why this class's ledger is not verified after it (null: it is), set in the class's own {@code @BeforeAll}: only
   * for a class that tampers with the journal on purpose (JournalTamperTest). Fixtures.payment posts its COMPLETED
   * payments for real, so fixtures are no reason.
   */
  static String ledgerUnchecked;

  @BeforeAll
  static void start() {
    ledgerUnchecked = null;
    app = TestApp.start();
    api = app.api;
    fx = new Fixtures(app.app.vertx(), app.app.config(), app.dbUrl);
  }

  @AfterAll
  static void stop() {
    try {
      if (ledgerUnchecked == null) app.assertLedgerVerifies();
    } finally {
      app.close();
    }
  }
}
