package com.ledger.platform.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ledger.platform.config.ConfigException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobsConfigTest {

  @Test
  void parses_the_default_queues() {
    JobsConfig c = JobsConfig.from(new JsonObject());
    assertThat(c.queues()).isEqualTo(Map.of("banking", 3, "payments", 2, "notifications", 3, "default", 1));
    assertThat(c.concurrency("payments")).isEqualTo(2);
    assertThat(c.concurrency("unknown")).isEqualTo(1);
    assertThat(c.leaseSeconds()).isEqualTo(30);
  }

  @ParameterizedTest
  @ValueSource(strings = {"payments", "payments:0", "payments:x", ":2", "a:1:2", ",", "Pay ments:2", "p:101"})
  void rejects_bad_queue_specs(String spec) {
    assertThatThrownBy(() -> JobsConfig.from(new JsonObject().put("jobs", new JsonObject().put("queues", spec))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("jobs.queues");
  }

  @Test
  void heartbeat_must_be_below_the_lease() {
    JsonObject j = new JsonObject().put("jobs", new JsonObject().put("lease_seconds", 5).put("heartbeat_seconds", 5));
    assertThatThrownBy(() -> JobsConfig.from(j)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("jobs.heartbeat_seconds");
  }

  @Test
  void batch_size_and_idle_backoff() {
    JobsConfig d = JobsConfig.from(new JsonObject());
    assertThat(d.batchSize()).isEqualTo(100);
    assertThat(d.idlePollMaxMs()).isEqualTo(5000);
    JobsConfig c = JobsConfig.from(new JsonObject().put("jobs", new JsonObject().put("batch_size", 7)
        .put("poll_interval_ms", 20_000).put("idle_poll_max_ms", 1000)));
    assertThat(c.batchSize()).isEqualTo(7);
    // the backoff only ever lengthens the plain poll
    assertThat(c.idlePollMaxMs()).isEqualTo(20_000);
    assertThatThrownBy(() -> JobsConfig.from(new JsonObject().put("jobs", new JsonObject().put("batch_size", 0))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("jobs.batch_size");
  }
}
