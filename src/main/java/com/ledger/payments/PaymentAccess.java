package com.ledger.payments;

import com.ledger.platform.bus.Caller;

/** Who may do what with a payment or an account (SPEC.md §6.6, §6.7, §2.6). Pure. */
final class PaymentAccess {
  private PaymentAccess() {}

  /** GET payment/status, GET account/transactions: owner, admin or support. */
  static boolean canView(Caller c, String ownerId) {
    return c.isAdmin() || c.isSupport() || c.userId().equals(ownerId);
  }

  /** Process: admin always; the owner only while PENDING; nobody else. */
  static boolean canProcess(Caller c, Payment p) {
    if (c.isAdmin()) return true;
    return p.ownedBy(c.userId()) && Payment.PENDING.equals(p.status());
  }

  /** Cancel: the payment is PENDING and the caller is the owner, admin or support. */
  static boolean canCancel(Caller c, Payment p) {
    return Payment.PENDING.equals(p.status()) && canView(c, p.userId().toString());
  }
}
