package com.ledger.payments;

import com.ledger.platform.errors.ErrorCode;
import com.ledger.platform.errors.LedgerException;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.Optional;

/**
 * Posting a payment whose row the caller has locked ({@code FOR UPDATE}) in {@code tx} and found in a postable
 * state: lock the account row, re-check the rules of SPEC.md §6.6 on the locked state, then change the balance,
 * write the ledger row and mark the payment COMPLETED — all in the caller's transaction. Lock order everywhere:
 * (job →) payment → account, so postings of one account serialise on its row and never deadlock.
 */
final class Posting {
  private final TransferPolicy policy;
  private final PaymentsConfig cfg;

  Posting(TransferPolicy policy, PaymentsConfig cfg) {
    this.policy = policy;
    this.cfg = cfg;
  }

  Future<Payment> post(SqlConnection tx, Payment locked) {
    // pipelined on one connection: the facts query runs once the account lock is held
    Future<Optional<Account>> account = AccountRepository.lock(tx, locked.accountId());
    Future<PaymentRepository.RuleFacts> facts = PaymentRepository.ruleFacts(tx, locked, cfg.duplicateWindowMinutes());
    return Future.all(account, facts).compose(all -> {
      Account a = account.result()
          .orElseThrow(() -> new LedgerException(ErrorCode.ACCOUNT_NOT_FOUND, "The payment's account no longer exists"));
      PaymentRepository.RuleFacts f = facts.result();
      Optional<LedgerException> broken =
          policy.forProcess(new TransferPolicy.Facts(null, locked, a, f.spentToday(), f.duplicate()));
      return broken.<Future<Payment>>map(Future::failedFuture).orElseGet(() -> PaymentRepository.post(tx, locked));
    });
  }
}
