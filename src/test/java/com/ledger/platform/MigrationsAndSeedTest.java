package com.ledger.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.db.DemoSeed;
import com.ledger.platform.db.Migrations;
import com.ledger.platform.security.PasswordHasher;
import com.ledger.platform.security.Secrets;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrationsAndSeedTest {

  @Test
  void migrations_run_once_and_are_a_no_op_on_the_second_start() throws Exception {
    String db = TestDatabase.fresh();
    try {
      AppConfig cfg = TestApp.config(TestApp.settings(Map.of("db.url", db)));
      Migrations.Result first = Migrations.migrate(cfg.db());
      assertThat(first.executed()).isGreaterThanOrEqualTo(Migrations.SLICES.size());
      Migrations.Result second = Migrations.migrate(cfg.db());
      assertThat(second.executed()).isZero();
      try (var c = TestDatabase.jdbc(db); var st = c.createStatement();
           var rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = "
               + "'flyway_schema_history'")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(Migrations.SLICES.size());
      }
    } finally {
      TestDatabase.drop(db);
    }
  }

  @Test
  void demo_data_is_seeded_once_even_across_restarts() throws Exception {
    try (TestApp app = TestApp.start(Map.of("seed_demo_data", true))) {
      AppConfig cfg = app.app.config();
      int again = new DemoSeed(cfg, new PasswordHasher(Secrets.passwordParams(cfg)), Secrets.bankTokenCipher(cfg)).run();
      assertThat(again).isZero();
      try (var c = TestDatabase.jdbc(app.dbUrl); var st = c.createStatement()) {
        assertThat(count(st, "SELECT count(*) FROM users.users")).isEqualTo(4);
        assertThat(count(st, "SELECT count(*) FROM banksync.banks")).isEqualTo(2);
        assertThat(count(st, "SELECT count(*) FROM payments.user_bank_accounts")).isEqualTo(2);
        assertThat(count(st, "SELECT count(*) FROM payments.transactions")).isEqualTo(4);
        assertThat(count(st, "SELECT count(*) FROM payments.user_payments")).isEqualTo(2);
        assertThat(count(st, "SELECT count(*) FROM banksync.user_bank_logins WHERE access_token LIKE 'mock%'"))
            .as("bank tokens are encrypted at rest").isZero();
      }
      app.assertLedgerVerifies();
    }
  }

  @Test
  void a_restarted_node_adds_no_demo_rows() throws Exception {
    String db = TestDatabase.fresh();
    try {
      TestApp.start(Map.of("db.url", db, "seed_demo_data", true)).close();
      TestApp.start(Map.of("db.url", db, "seed_demo_data", true)).close();
      try (var c = TestDatabase.jdbc(db); var st = c.createStatement()) {
        assertThat(count(st, "SELECT count(*) FROM users.users")).isEqualTo(4);
        assertThat(count(st, "SELECT count(*) FROM banksync.bank_branches")).isEqualTo(2);
        assertThat(count(st, "SELECT count(*) FROM banksync.user_bank_logins")).isEqualTo(2);
        assertThat(count(st, "SELECT count(*) FROM payments.transactions")).isEqualTo(4);
      }
      TestApp.assertLedgerVerifies(db);
    } finally {
      TestDatabase.drop(db);
    }
  }

  private static int count(java.sql.Statement st, String sql) throws Exception {
    try (var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
