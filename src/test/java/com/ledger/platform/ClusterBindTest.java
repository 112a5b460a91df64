package com.ledger.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.TestApp;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 7: Hazelcast listens on the configured interface only. With cluster.host 127.0.0.1 its port stays
 * free on another loopback address (127.0.0.2, Linux): a wildcard bind (Hazelcast's default) would take it too.
 */
class ClusterBindTest {
  @Test
  void hazelcast_binds_only_the_configured_interface() throws Exception {
    int port = TestApp.freePort();
    try (TestApp node = TestApp.start(Map.of("cluster.enabled", true, "cluster.host", "127.0.0.1", "cluster.port", port,
        "cluster.members", List.of("127.0.0.1:" + port), "cluster.name", "bind-test-" + UUID.randomUUID(),
        "roles", List.of("http", "users")))) {
      var hz = ((HazelcastClusterManager) ((VertxInternal) node.app.vertx()).clusterManager()).getHazelcastInstance();
      int actual = hz.getCluster().getLocalMember().getAddress().getPort();
      try (ServerSocket other = new ServerSocket()) {
        other.bind(new InetSocketAddress("127.0.0.2", actual));
        assertThat(other.isBound()).isTrue();
      }
    }
  }
}
