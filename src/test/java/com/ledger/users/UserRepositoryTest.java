package com.ledger.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.platform.config.AppConfig;
import com.ledger.platform.db.Migrations;
import com.ledger.platform.db.Pools;
import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The repository convention (platform.db): stateless, the caller's SqlClient on every call, no Row out. */
class UserRepositoryTest {
  static String url;
  static Vertx vertx;
  static Pool pool;
  final UserRepository repo = new UserRepository();

  @BeforeAll
  static void start() {
    url = TestDatabase.fresh();
    AppConfig cfg = TestApp.config(TestApp.settings(Map.of("db.url", url)));
    Migrations.migrate(cfg.db());
    vertx = Vertx.vertx();
    pool = Pools.shared(vertx, cfg.db());
  }

  @AfterAll
  static void stop() {
    pool.close().await();
    vertx.close().await();
    TestDatabase.drop(url);
  }

  @Test
  void a_callers_transaction_flows_through_and_rolls_back_with_it() {
    var user = new UserInput.NewUser("in.tx@example.com", "In Tx", "user", "unused");
    JsonObject seenInside = pool.withConnection(c -> c.begin().compose(tx -> repo.insert(c, user, "hash")
        .compose(created -> repo.findById(c, UUID.fromString(created.getString("id"))))
        .compose(found -> tx.rollback().map(found)))).await();
    assertThat(seenInside.getString("email")).isEqualTo("in.tx@example.com");
    assertThat(repo.findById(pool, UUID.fromString(seenInside.getString("id"))).await()).isNull();
    assertThat(repo.credentials(pool, "in.tx@example.com").await()).isNull();
  }

  @Test
  void a_keyset_page_is_records_with_their_position() {
    JsonObject older = repo.insert(pool, new UserInput.NewUser("older@example.com", "Older", "user", "x"), "h").await();
    JsonObject newer = repo.insert(pool, new UserInput.NewUser("newer@example.com", "Newer", "user", "x"), "h").await();
    List<UserRepository.Keyed> page = repo.keyset(pool, null, "user", null, 10).await();
    assertThat(page).extracting(k -> k.user().getString("id"))
        .containsExactlyInAnyOrder(older.getString("id"), newer.getString("id"));
    for (UserRepository.Keyed k : page) {  // the position is the row's own (inserted_at, id), for the next cursor
      assertThat(k.id().toString()).isEqualTo(k.user().getString("id"));
      assertThat(k.insertedAt().toString()).isEqualTo(k.user().getString("inserted_at"));
    }
  }
}
