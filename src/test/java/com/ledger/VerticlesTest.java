package com.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.banksync.SyncSchedulerVerticle;
import com.ledger.platform.config.AppConfig;
import com.ledger.platform.jobs.JobRunnerVerticle;
import com.ledger.platform.jobs.JobsMaintenanceVerticle;
import com.ledger.platform.observability.NodeState;
import com.ledger.platform.security.PasswordHasher;
import com.ledger.support.TestApp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a node deploys for its roles: every worker role through one runner path, the job upkeep once per node. */
class VerticlesTest {
  private static List<Class<?>> deployed(List<String> roles, String... only) {
    Map<String, Object> s = TestApp.settings(Map.of());
    s.put("roles", roles);
    AppConfig cfg = TestApp.config(s);
    NodeState node = new NodeState("test", "test", "test-registry", null);
    List<String> wanted = List.of(only);
    return Verticles.forNode(cfg, node, new PasswordHasher(new PasswordHasher.Params(4096, 1, 1))).stream()
        .filter(spec -> wanted.contains(spec.role())).<Class<?>>map(spec -> spec.factory().get().getClass()).toList();
  }

  @Test
  void a_node_with_two_worker_roles_runs_a_runner_per_queue_and_its_job_upkeep_once() {
    assertThat(deployed(List.of("payment-worker", "banksync-worker"), "payment-worker", "banksync-worker",
        "jobs-maintenance"))
        .filteredOn(c -> c != SyncSchedulerVerticle.class)
        .containsExactlyInAnyOrder(JobRunnerVerticle.class, JobRunnerVerticle.class, JobsMaintenanceVerticle.class);
  }

  @Test
  void a_node_without_worker_roles_runs_no_job_upkeep() {
    assertThat(deployed(List.of("http", "users", "payments"), "jobs-maintenance")).isEmpty();
  }
}
