package com.ledger.users;

import com.ledger.platform.security.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

/** Argon2 off the event loop: a named shared worker pool, unordered so logins run in parallel. */
final class Hashing {
  private final PasswordHasher hasher;
  private final WorkerExecutor workers;

  Hashing(PasswordHasher hasher, WorkerExecutor workers) {
    this.hasher = hasher;
    this.workers = workers;
  }

  Future<String> hash(String password) {
    return workers.executeBlocking(() -> hasher.hash(password), false);
  }

  Future<Boolean> verify(String password, String phc) {
    return workers.executeBlocking(() -> hasher.verify(password, phc), false);
  }

  /** One derivation against a fixed dummy hash: an unknown email costs what a wrong password costs. */
  Future<Boolean> verifyDummy(String password) {
    return workers.executeBlocking(() -> {
      hasher.verifyDummy(password);
      return false;
    }, false);
  }

  boolean needsRehash(String phc) {
    return hasher.needsRehash(phc);
  }

  Future<Void> close() {
    return workers.close();
  }
}
