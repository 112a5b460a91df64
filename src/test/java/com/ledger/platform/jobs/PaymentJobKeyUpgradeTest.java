package com.ledger.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.db.Migrations;
import com.ledger.support.TestDatabase;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * jobs/V10 on a database from before it: a payment's latest job is found by (worker, unique_key) from then on, so a
 * PaymentWorker job whose key is not its payment's id (only a hand-written one can be) gets that id as its key, and
 * the args ->> 'payment_id' index goes. Other jobs keep their keys.
 */
class PaymentJobKeyUpgradeTest {

  @Test
  void a_payment_job_keyed_otherwise_gets_its_payments_id_as_its_key_and_the_expression_index_goes()
      throws Exception {
    TestDatabase.upgradeFrom("jobs", "9", (url, cfg) -> {
      try (Connection c = TestDatabase.jdbc(url); var st = c.createStatement()) {
        st.execute("""
            INSERT INTO jobs.jobs (worker, queue, args, unique_key) VALUES
              ('PaymentWorker', 'payments', '{"payment_id": "p-hand"}', 'something-else'),
              ('PaymentWorker', 'payments', '{"payment_id": "p-none"}', NULL),
              ('PaymentWorker', 'payments', '{"payment_id": "p-same"}', 'p-same'),
              ('BankSyncWorker', 'banking', '{"login_id": "l-1"}', 'l-1'),
              ('OtherWorker', 'default', '{"payment_id": "p-other"}', 'kept')""");
      }
      assertThat(TestDatabase.strings(url, "SELECT to_regclass('jobs.jobs_args_payment_id_index')::text"))
          .containsExactly("jobs.jobs_args_payment_id_index");

      Migrations.migrate(cfg.db());

      assertThat(TestDatabase.strings(url, "SELECT worker || ' ' || (args ->> 'payment_id') || ' ' || unique_key FROM jobs.jobs "
          + "WHERE args ? 'payment_id' ORDER BY 1")).containsExactly(
              "OtherWorker p-other kept", "PaymentWorker p-hand p-hand", "PaymentWorker p-none p-none",
              "PaymentWorker p-same p-same");
      assertThat(TestDatabase.strings(url, "SELECT unique_key FROM jobs.jobs WHERE worker = 'BankSyncWorker'")).containsExactly("l-1");
      assertThat(TestDatabase.strings(url, "SELECT to_regclass('jobs.jobs_args_payment_id_index')::text"))
          .containsExactly((String) null);
    });
  }
}
