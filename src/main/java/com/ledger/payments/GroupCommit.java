package com.ledger.payments;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Group commit for key-less payment requests, one per event loop and kind (not thread-safe: used only from its own
 * event loop): the async accept ({@code Prefer: respond-async}) and the sync posting. The issue 8 profile: each
 * request paid a commit — a WAL flush — and, on a busy account, the hand-over of the account's row lock; both were
 * most of its time. Here a request that arrives while {@code maxInFlight} statements of this loop and kind are
 * running waits for the next one, which then runs every waiting request ({@code maxBatch} at most) as ONE statement
 * and one commit. An idle loop sends a request at once: batching adds no wait, it only forms while the database is
 * busy. Each answer is sent after its statement committed.
 *
 * <p>A statement that fails committed nothing; its requests then run once more each alone, so a failure reaches only
 * the request that causes it.
 *
 * <p>Stalls: a kind may send more statements ({@code maxInFlightStalled} in all) while its oldest one has run for
 * {@code stallMs} or longer: a statement that waits on a row another transaction holds (an account held by a long
 * transaction, say) then holds back only its own requests, not every request of its loop that arrives after it.
 * Each statement sent that way is told to {@code onStalledSend} (a meter: how often the rule fires).
 *
 * @param <R> a request
 * @param <A> its answer
 */
final class GroupCommit<R, A> {
  private record Waiting<R, A>(R request, Promise<A> answer) {}

  /** Runs a task on this group's event loop after a delay (in production {@code vertx.setTimer} from that loop). */
  interface Timer {
    void schedule(long delayMs, Runnable task);
  }

  private final int maxInFlight;
  private final int maxInFlightStalled;
  private final long stallNanos;
  private final Timer timer;
  private final LongSupplier nanoTime;
  private final int maxBatch;
  private final Function<List<R>, Future<List<Future<A>>>> statement;
  private final Runnable onStalledSend;
  private final ArrayDeque<Waiting<R, A>> waiting = new ArrayDeque<>();
  /** When each statement in flight was sent ({@code nanoTime}), in sending order. */
  private final List<Long> sentAt = new ArrayList<>();
  private boolean timerSet;

  /**
   * @param statement runs the requests as one statement: fails when it did (nothing committed), else one answer per
   *     request, in order
   */
  GroupCommit(int maxInFlight, int maxBatch, Function<List<R>, Future<List<Future<A>>>> statement) {
    this(maxInFlight, maxInFlight, 0, null, System::nanoTime, maxBatch, statement, () -> {});
  }

  /**
   * A group that sends up to {@code maxInFlightStalled} statements at once while its oldest one has run for
   * {@code stallMs} or longer, {@code maxInFlight} otherwise; {@code timer} wakes it when that time comes, and
   * {@code onStalledSend} runs for each statement sent beyond {@code maxInFlight}.
   */
  GroupCommit(int maxInFlight, int maxInFlightStalled, long stallMs, Timer timer, LongSupplier nanoTime, int maxBatch,
      Function<List<R>, Future<List<Future<A>>>> statement, Runnable onStalledSend) {
    if (maxInFlightStalled < maxInFlight || (maxInFlightStalled > maxInFlight && (timer == null || stallMs <= 0))) {
      throw new IllegalArgumentException("a stalled group needs a larger limit, a stall time and a timer");
    }
    this.maxInFlight = maxInFlight;
    this.maxInFlightStalled = maxInFlightStalled;
    this.stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMs);
    this.timer = timer;
    this.nanoTime = nanoTime;
    this.maxBatch = maxBatch;
    this.statement = statement;
    this.onStalledSend = onStalledSend;
  }

  /** The request's answer, once the statement that ran it committed. */
  Future<A> submit(R request) {
    Promise<A> answer = Promise.promise();
    waiting.add(new Waiting<>(request, answer));
    send();
    return answer.future();
  }

  private void send() {
    while (!waiting.isEmpty() && sentAt.size() < limit()) {
      List<Waiting<R, A>> batch = next();
      if (sentAt.size() >= maxInFlight) onStalledSend.run();
      Long at = nanoTime.getAsLong();
      sentAt.add(at);
      run(batch).onComplete(x -> {
        sentAt.remove(at); // one entry of this time (an equal one, if two were sent in the same nanosecond)
        send();
      });
    }
    wakeAtStall();
  }

  /** How many statements may be in flight now. */
  private int limit() {
    if (maxInFlightStalled == maxInFlight || sentAt.isEmpty()) return maxInFlight;
    return nanoTime.getAsLong() - sentAt.get(0) >= stallNanos ? maxInFlightStalled : maxInFlight;
  }

  /** Requests wait behind full slots: look again when the oldest statement in flight reaches the stall time. */
  private void wakeAtStall() {
    if (timerSet || waiting.isEmpty() || sentAt.size() >= maxInFlightStalled) return;
    long due = sentAt.get(0) + stallNanos - nanoTime.getAsLong();
    timerSet = true;
    timer.schedule(Math.max(1, TimeUnit.NANOSECONDS.toMillis(due) + 1), () -> {
      timerSet = false;
      send();
    });
  }

  /** The waiting requests in arrival order, {@code maxBatch} at most. */
  private List<Waiting<R, A>> next() {
    List<Waiting<R, A>> batch = new ArrayList<>(Math.min(waiting.size(), maxBatch));
    while (batch.size() < maxBatch && !waiting.isEmpty()) batch.add(waiting.poll());
    return batch;
  }

  /** One statement for the batch; never fails (every answer is settled). */
  private Future<Void> run(List<Waiting<R, A>> batch) {
    List<R> requests = batch.stream().map(Waiting::request).toList();
    return statement.apply(requests).transform(ar -> {
      if (ar.failed()) {
        if (batch.size() == 1) {
          batch.get(0).answer().fail(ar.cause());
          return Future.succeededFuture();
        }
        List<Future<Void>> each = new ArrayList<>(batch.size());
        for (Waiting<R, A> w : batch) each.add(run(List.of(w)));
        return Future.join(each).<Void>mapEmpty().recover(err -> Future.succeededFuture());
      }
      List<Future<A>> answers = ar.result();
      for (int i = 0; i < batch.size(); i++) answers.get(i).onComplete(batch.get(i).answer());
      return Future.join(answers).<Void>mapEmpty().recover(err -> Future.succeededFuture());
    });
  }
}
