package com.ledger.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.TestApp;
import com.ledger.support.TestDatabase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Two clustered nodes in one JVM (Hazelcast on 127.0.0.1, TCP join): a request on A is served by B. */
class ClusterBusTest {

  @Test
  void a_request_sent_on_node_a_is_served_by_a_consumer_only_on_node_b() throws Exception {
    String db = TestDatabase.fresh();
    String cluster = "ledger-test-" + UUID.randomUUID();
    Map<String, Object> common = Map.of("db.url", db, "cluster.enabled", true, "cluster.name", cluster,
        "cluster.host", "127.0.0.1", "cluster.members", List.of("127.0.0.1"));
    TestApp a = null;
    TestApp b = null;
    try {
      a = TestApp.start(merge(common, Map.of("roles", List.of("http"), "node.name", "node-a")));
      b = TestApp.start(merge(common, Map.of("roles", List.of("users"), "node.name", "node-b")));
      b.app.vertx().eventBus().<JsonObject>consumer("test.echo",
          m -> m.reply(new JsonObject().put("served_by", "node-b").put("echo", m.body()))).completion().await();
      JsonObject reply = a.app.vertx().eventBus().<JsonObject>request("test.echo", new JsonObject().put("n", 1))
          .await().body();
      assertThat(reply.getString("served_by")).isEqualTo("node-b");
      assertThat(reply.getJsonObject("echo").getInteger("n")).isEqualTo(1);
      // a recipient failure (catalog code + JSON detail) crosses the cluster intact
      b.app.vertx().eventBus().consumer("test.fail", m -> m.fail(6001, "{\"detail\":\"no money\"}")).completion().await();
      var failure = a.app.vertx().eventBus().request("test.fail", "x").toCompletionStage().toCompletableFuture();
      assertThat(failure).failsWithin(java.time.Duration.ofSeconds(10)).withThrowableOfType(Exception.class)
          .havingCause().isInstanceOfSatisfying(ReplyException.class, re -> {
            assertThat(re.failureCode()).isEqualTo(6001);
            assertThat(re.getMessage()).contains("no money");
          });
      // node A's HTTP reaches node B's users verticle for the readiness of the cluster
      assertThat(a.api.get("/api/health/ready", null).status()).isEqualTo(200);
      assertThat(a.api.get("/api/health/detailed", null).json().getJsonObject("details").getJsonObject("cluster")
          .getJsonArray("members")).hasSize(2);
    } finally {
      if (a != null) a.app.close();
      if (b != null) b.app.close();
      TestDatabase.drop(db);
    }
  }

  static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
    var m = new java.util.HashMap<>(a);
    m.putAll(b);
    return m;
  }
}
