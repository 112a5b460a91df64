package com.ledger.platform.security;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Argon2id derivations that reuse their working memory. BouncyCastle's generator allocates {@code m} KiB (19 MiB at
 * the OWASP cost) as ~19k block objects in {@code init} on every derivation, and clears them, keeping them, when a
 * derivation ends. At login rates that is ~1 GB/s of allocation that stays live for the whole derivation: with a small
 * young generation every young collection copies the derivations in flight and promotes them, and the old generation
 * fills with dead blocks (measured: a full collection every ~1.5 s at -Xmx192m, about half the login rate lost).
 * Here up to {@code keep} generators of the configured memory size and lanes are kept between derivations; a reused
 * generator gets the new derivation's parameters (salt, iterations) without a new {@code init}, which is all
 * {@code init} would change for the same memory size and lanes. Other sizes (a stored hash with other parameters)
 * get a generator of their own. When the generator's {@code parameters} field cannot be reached (another BouncyCastle
 * version), every derivation gets a fresh generator, as before. A kept generator's blocks are walked in order on every
 * derivation, so the collector that moves them should keep that order: the serial one does (conf/jvm.options); the
 * parallel one scattered them, ~20 % more time per derivation.
 */
final class Argon2Memory {
  private static final Logger LOG = LoggerFactory.getLogger(Argon2Memory.class);
  private static final VarHandle PARAMETERS = parametersField();

  private final int memoryKib;
  private final int lanes;
  private final ArrayBlockingQueue<Argon2BytesGenerator> idle;
  private final AtomicLong allocated = new AtomicLong();

  /** Keeps up to {@code keep} generators for derivations with this memory size and lanes. */
  Argon2Memory(int memoryKib, int lanes, int keep) {
    this.memoryKib = memoryKib;
    this.lanes = lanes;
    this.idle = new ArrayBlockingQueue<>(Math.max(1, keep));
  }

  /** One Argon2 derivation of {@code out.length} bytes. */
  void derive(Argon2Parameters params, byte[] password, byte[] out) {
    if (!reusable(params)) {
      fresh(params).generateBytes(password, out);
      return;
    }
    Argon2BytesGenerator gen = idle.poll();
    if (gen == null) {
      gen = fresh(params);
    } else {
      PARAMETERS.set(gen, params);
    }
    // generateBytes clears the blocks when it returns; after a failure they may hold a partial derivation: dropped.
    gen.generateBytes(password, out);
    PARAMETERS.set(gen, (Argon2Parameters) null);
    idle.offer(gen);
  }

  /** True when generators are kept between derivations (false only if BouncyCastle's internals changed). */
  static boolean reusing() {
    return PARAMETERS != null;
  }

  /** Generators (each with its {@code m} KiB of blocks) allocated so far. */
  long allocated() {
    return allocated.get();
  }

  private boolean reusable(Argon2Parameters params) {
    return PARAMETERS != null && params.getMemory() == memoryKib && params.getLanes() == lanes;
  }

  private Argon2BytesGenerator fresh(Argon2Parameters params) {
    allocated.incrementAndGet();
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(params);
    return gen;
  }

  private static VarHandle parametersField() {
    try {
      return MethodHandles.privateLookupIn(Argon2BytesGenerator.class, MethodHandles.lookup())
          .findVarHandle(Argon2BytesGenerator.class, "parameters", Argon2Parameters.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.atWarn().addKeyValue("error", e.toString())
          .log("Argon2 working memory is not reused (BouncyCastle's generator changed): one allocation per hash");
      return null;
    }
  }
}
