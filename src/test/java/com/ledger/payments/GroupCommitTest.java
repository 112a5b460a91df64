package com.ledger.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link GroupCommit}: an idle kind sends a request at once; requests that arrive while the statements in flight run
 * wait and go together in the next one; a failed statement is run again request by request. The statement here is a
 * function whose calls the test completes by hand (the SQL side is ProcessBatchTest's and AcceptBatchTest's).
 */
class GroupCommitTest {
  /** Each call of the statement: its requests and the promise that completes it. */
  record Call(List<String> requests, Promise<List<Future<String>>> done) {}

  final List<Call> calls = new ArrayList<>();
  final GroupCommit<String, String> commit = new GroupCommit<>(1, 3, requests -> {
    Promise<List<Future<String>>> done = Promise.promise();
    calls.add(new Call(requests, done));
    return done.future();
  });

  static List<Future<String>> answers(List<String> requests) {
    return requests.stream().map(r -> Future.succeededFuture("ok " + r)).toList();
  }

  @Test
  void requests_that_wait_share_the_next_statement_in_arrival_order_up_to_the_batch_size() {
    Future<String> a = commit.submit("a");
    assertThat(calls).extracting(Call::requests).containsExactly(List.of("a"));  // idle: at once
    List<Future<String>> waiting = new ArrayList<>();
    for (String r : List.of("b", "c", "d", "e")) waiting.add(commit.submit(r));
    assertThat(calls).hasSize(1);  // one in flight: the others wait

    calls.get(0).done().complete(answers(calls.get(0).requests()));
    assertThat(a.result()).isEqualTo("ok a");
    assertThat(calls).extracting(Call::requests).containsExactly(List.of("a"), List.of("b", "c", "d"));
    calls.get(1).done().complete(answers(calls.get(1).requests()));
    assertThat(calls).extracting(Call::requests).last().isEqualTo(List.of("e"));
    calls.get(2).done().complete(answers(calls.get(2).requests()));
    assertThat(waiting).extracting(Future::result).containsExactly("ok b", "ok c", "ok d", "ok e");
  }

  @Test
  void a_failed_statement_runs_again_request_by_request_and_a_failure_reaches_only_its_request() {
    commit.submit("a");
    Future<String> b = commit.submit("b");
    Future<String> c = commit.submit("c");
    calls.get(0).done().complete(answers(List.of("a")));
    assertThat(calls.get(1).requests()).containsExactly("b", "c");

    calls.get(1).done().fail(new IllegalStateException("statement failed"));
    assertThat(calls).extracting(Call::requests).containsExactly(List.of("a"), List.of("b", "c"), List.of("b"),
        List.of("c"));
    calls.get(2).done().complete(answers(List.of("b")));
    calls.get(3).done().fail(new IllegalStateException("c fails alone"));
    assertThat(b.result()).isEqualTo("ok b");
    assertThat(c.failed()).isTrue();
    assertThat(c.cause()).hasMessage("c fails alone");

    // a request's own failure inside a committed statement reaches that request only
    Future<String> d = commit.submit("d");
    Future<String> e = commit.submit("e");
    calls.get(4).done().complete(List.of(Future.failedFuture("d refused")));
    calls.get(5).done().complete(answers(List.of("e")));
    assertThat(d.cause()).hasMessage("d refused");
    assertThat(e.result()).isEqualTo("ok e");
  }

  @Test
  void a_statement_that_runs_past_the_stall_time_lets_one_more_go_beside_it_and_no_more() {
    long[] now = {0};
    List<Long> delays = new ArrayList<>();
    List<Runnable> timers = new ArrayList<>();
    int[] stalledSends = {0};
    GroupCommit<String, String> stalling = new GroupCommit<>(1, 2, 100, (ms, task) -> {
      delays.add(ms);
      timers.add(task);
    }, () -> now[0], 3, requests -> {
      Promise<List<Future<String>>> done = Promise.promise();
      calls.add(new Call(requests, done));
      return done.future();
    }, () -> stalledSends[0]++);
    stalling.submit("held");  // waits for a row another transaction holds: never completes here
    Future<String> b = stalling.submit("b");
    stalling.submit("c");
    assertThat(calls).hasSize(1);  // before the stall time, one in flight as without the stall rule
    assertThat(delays).hasSize(1);
    assertThat(delays.get(0)).isGreaterThanOrEqualTo(100L);  // woken when the held statement reaches it

    now[0] = 99_000_000L;  // a timer early by a millisecond changes nothing, and sets itself again
    fire(timers);
    assertThat(calls).hasSize(1);
    now[0] = 100_000_000L;
    fire(timers);
    assertThat(calls).extracting(Call::requests).containsExactly(List.of("held"), List.of("b", "c"));
    assertThat(stalledSends[0]).isEqualTo(1);  // told to the meter
    calls.get(1).done().complete(answers(calls.get(1).requests()));
    assertThat(b.result()).isEqualTo("ok b");  // answered while the held statement still runs

    // the second slot goes on serving the loop while the held statement runs; never a third
    stalling.submit("d");
    assertThat(calls).extracting(Call::requests).last().isEqualTo(List.of("d"));
    stalling.submit("e");
    assertThat(calls).hasSize(3);
    assertThat(timers).isEmpty();
    calls.get(2).done().complete(answers(calls.get(2).requests()));
    assertThat(calls).extracting(Call::requests).last().isEqualTo(List.of("e"));

    // once the held statement ends, one in flight again
    calls.get(0).done().complete(answers(calls.get(0).requests()));
    now[0] = 150_000_000L;
    stalling.submit("f");
    assertThat(calls).hasSize(4);  // e still runs, and it has not run for the stall time
    calls.get(3).done().complete(answers(calls.get(3).requests()));
    assertThat(calls).extracting(Call::requests).last().isEqualTo(List.of("f"));
    assertThat(stalledSends[0]).isEqualTo(3);  // b and c, d, e: beside the held statement; f went alone
  }

  /** Runs the timers set so far (each runs once, as vertx.setTimer's). */
  private static void fire(List<Runnable> timers) {
    List<Runnable> due = new ArrayList<>(timers);
    timers.clear();
    due.forEach(Runnable::run);
  }
}
