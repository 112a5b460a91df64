package com.ledger.payments;

import com.ledger.payments.api.PaymentsApi;
import com.ledger.platform.jobs.Jobs;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Group commit for the async accept ({@code Prefer: respond-async} without an Idempotency-Key), one per event loop
 * (not thread-safe: used only from its own event loop). The issue 8 profile: accepting cost one commit — one WAL
 * flush — per payment, and that flush was most of the accept's time. Here a request that arrives while
 * {@link #MAX_IN_FLIGHT} accept statements of this loop are running waits for the next one, which then accepts every
 * waiting request ({@link #MAX_BATCH} at most) with ONE statement and one commit. An idle loop
 * sends a request at once: batching adds no wait, it only forms while the database is busy. Each answer is sent after
 * its statement committed (the 202 still promises a durable job), and the workers are woken once per statement.
 *
 * <p>A statement that fails committed nothing; its requests then run once more each alone, so a failure reaches only
 * the request that causes it.
 */
final class AcceptBatcher {
  static final int MAX_BATCH = 100;
  /** Per event loop (http.instances of them share the pool with the workers; db.pool_size 10 by default). */
  static final int MAX_IN_FLIGHT = 3;

  private record Waiting(PaymentRepository.AcceptRequest request, Promise<PaymentRepository.Accepted> answer) {}

  private final Vertx vertx;
  private final Pool pool;
  private final Posting posting;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private int inFlight;

  AcceptBatcher(Vertx vertx, Pool pool, Posting posting) {
    this.vertx = vertx;
    this.pool = pool;
    this.posting = posting;
  }

  /** The accepted job, or the route's failure (as {@link Posting#accept}). */
  Future<PaymentRepository.Accepted> accept(UUID paymentId, UUID callerId, boolean callerIsAdmin) {
    Promise<PaymentRepository.Accepted> answer = Promise.promise();
    waiting.add(new Waiting(new PaymentRepository.AcceptRequest(paymentId, callerId, callerIsAdmin), answer));
    send();
    return answer.future();
  }

  private void send() {
    while (inFlight < MAX_IN_FLIGHT && !waiting.isEmpty()) {
      List<Waiting> batch = next();
      inFlight++;
      run(batch).onComplete(x -> {
        inFlight--;
        send();
      });
    }
  }

  /** The waiting requests in arrival order, {@link #MAX_BATCH} at most. */
  private List<Waiting> next() {
    List<Waiting> batch = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
    while (batch.size() < MAX_BATCH && !waiting.isEmpty()) batch.add(waiting.poll());
    return batch;
  }

  /** One statement for the batch; never fails (every answer is settled). */
  private Future<Void> run(List<Waiting> batch) {
    List<PaymentRepository.AcceptRequest> requests = batch.stream().map(Waiting::request).toList();
    return posting.acceptAll(pool, requests).transform(ar -> {
      if (ar.failed()) {
        if (batch.size() == 1) {
          batch.get(0).answer().fail(ar.cause());
          return Future.succeededFuture();
        }
        List<Future<Void>> each = new ArrayList<>(batch.size());
        for (Waiting w : batch) each.add(run(List.of(w)));
        return Future.join(each).<Void>mapEmpty().recover(err -> Future.succeededFuture());
      }
      List<Future<PaymentRepository.Accepted>> answers = ar.result();
      boolean accepted = false;
      for (int i = 0; i < batch.size(); i++) {
        Future<PaymentRepository.Accepted> a = answers.get(i);
        accepted |= a.succeeded();
        a.onComplete(batch.get(i).answer());
      }
      if (accepted) Jobs.wake(vertx, PaymentsApi.QUEUE);
      return Future.join(answers).<Void>mapEmpty().recover(err -> Future.succeededFuture());
    });
  }
}
