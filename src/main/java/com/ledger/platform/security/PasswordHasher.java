package com.ledger.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (BouncyCastle) in PHC string form: {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}.
 * CPU-heavy and blocking: call it from a worker executor, never from an event loop. Derivations with the configured
 * parameters reuse their working memory ({@link Argon2Memory}).
 */
public final class PasswordHasher {
  private static final Pattern PHC =
      Pattern.compile("^\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)$");
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  public record Params(int memoryKib, int iterations, int parallelism) {
    public static final Params OWASP = new Params(19_456, 2, 1);
  }

  private final Params params;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong hashCount = new AtomicLong();
  private final String dummyHash;
  private final Argon2Memory memory;

  /** A hasher that keeps the working memory of one derivation between derivations. */
  public PasswordHasher(Params params) {
    this(params, 1);
  }

  /**
   * A hasher that keeps the working memory ({@code memoryKib} each) of up to {@code concurrent} derivations between
   * derivations: the number of threads that hash at the same time (auth.password.hash_threads).
   */
  public PasswordHasher(Params params, int concurrent) {
    this.params = params;
    this.memory = new Argon2Memory(params.memoryKib(), params.parallelism(), concurrent);
    this.dummyHash = dummyHash();
  }

  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] out = derive(password, salt, params.memoryKib(), params.iterations(), params.parallelism(), HASH_BYTES);
    return phc(salt, out);
  }

  /**
   * The unknown-email path's stored hash: the configured parameters, a random salt and random hash bytes. Verifying
   * against it costs one derivation with these parameters, like a real hash (whose result is thrown away), without
   * running a derivation at boot (an Argon2 run before the JIT compiled it: ~30 % of the boot thread's CPU).
   */
  private String dummyHash() {
    byte[] salt = new byte[SALT_BYTES];
    byte[] out = new byte[HASH_BYTES];
    random.nextBytes(salt);
    random.nextBytes(out);
    return phc(salt, out);
  }

  private String phc(byte[] salt, byte[] out) {
    return "$argon2id$v=19$m=" + params.memoryKib() + ",t=" + params.iterations() + ",p=" + params.parallelism()
        + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
  }

  /** Constant-time verification; a malformed stored hash never matches. */
  public boolean verify(String password, String phc) {
    Matcher m = phc == null ? null : PHC.matcher(phc);
    if (m == null || !m.matches()) {
      derive(password, new byte[SALT_BYTES], params.memoryKib(), params.iterations(), params.parallelism(), HASH_BYTES);
      return false;
    }
    byte[] salt = B64D.decode(m.group(4));
    byte[] expected = B64D.decode(m.group(5));
    byte[] actual = derive(password, salt, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)), expected.length);
    return MessageDigest.isEqual(expected, actual);
  }

  /** One hash against a fixed dummy, so an unknown email costs the same as a wrong password. */
  public void verifyDummy(String password) {
    verify(password, dummyHash);
  }

  /** True when the stored hash was made with weaker parameters than the configured ones (rehash on login). */
  public boolean needsRehash(String phc) {
    Matcher m = phc == null ? null : PHC.matcher(phc);
    if (m == null || !m.matches()) return true;
    return Integer.parseInt(m.group(1)) < params.memoryKib() || Integer.parseInt(m.group(2)) < params.iterations()
        || Integer.parseInt(m.group(3)) < params.parallelism();
  }

  /** How many Argon2 derivations this hasher has run (tests count the unknown-email path with it). */
  public long hashCount() {
    return hashCount.get();
  }

  /** Argon2 working memories allocated so far (one per derivation when nothing is reused). */
  public long memoriesAllocated() {
    return memory.allocated();
  }

  private byte[] derive(String password, byte[] salt, int m, int t, int p, int len) {
    hashCount.incrementAndGet();
    Argon2Parameters ap = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(m).withIterations(t).withParallelism(p)
        .withSalt(salt).build();
    byte[] out = new byte[len];
    memory.derive(ap, password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
