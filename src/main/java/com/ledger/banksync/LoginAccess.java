package com.ledger.banksync;

import com.ledger.platform.bus.Caller;
import java.util.UUID;

/** Who may do what with a bank login (SPEC.md §2.6), as pure decisions. */
final class LoginAccess {
  private LoginAccess() {}

  /** Schedule a sync: the owner, an admin or support. */
  static boolean canSync(Caller caller, UUID owner) {
    return isOwner(caller, owner) || caller.isAdmin() || caller.isSupport();
  }

  /** Delete: the owner or an admin (not support). */
  static boolean canDelete(Caller caller, UUID owner) {
    return isOwner(caller, owner) || caller.isAdmin();
  }

  private static boolean isOwner(Caller caller, UUID owner) {
    return owner != null && owner.toString().equals(caller.userId());
  }
}
