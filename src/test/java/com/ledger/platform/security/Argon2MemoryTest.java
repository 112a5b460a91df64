package com.ledger.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

/**
 * Reused Argon2 working memory gives exactly BouncyCastle's fresh-generator output (RFC 9106 vector, random inputs,
 * other iterations, concurrent threads), and a login-rate series of derivations allocates the memory only once per
 * thread.
 */
class Argon2MemoryTest {
  private static Argon2Parameters params(int m, int t, int p, byte[] salt) {
    return new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(m).withIterations(t).withParallelism(p).withSalt(salt).build();
  }

  private static byte[] fresh(Argon2Parameters ap, byte[] password, int len) {
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(ap);
    byte[] out = new byte[len];
    gen.generateBytes(password, out);
    return out;
  }

  private static byte[] reused(Argon2Memory memory, Argon2Parameters ap, byte[] password, int len) {
    byte[] out = new byte[len];
    memory.derive(ap, password, out);
    return out;
  }

  @Test
  void theGeneratorsInternalsAreReachable() {
    assertThat(Argon2Memory.reusing()).as("BouncyCastle's Argon2BytesGenerator.parameters field").isTrue();
  }

  @Test
  void rfc9106VectorThroughReusedMemory() {
    // RFC 9106 §5.3 (Argon2id, m=32, t=3, p=4, with secret and associated data), derived twice on one memory.
    byte[] password = new byte[32];
    Arrays.fill(password, (byte) 1);
    byte[] salt = new byte[16];
    Arrays.fill(salt, (byte) 2);
    byte[] secret = new byte[8];
    Arrays.fill(secret, (byte) 3);
    byte[] ad = new byte[12];
    Arrays.fill(ad, (byte) 4);
    Argon2Parameters ap = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(32).withIterations(3).withParallelism(4)
        .withSalt(salt).withSecret(secret).withAdditional(ad).build();
    Argon2Memory memory = new Argon2Memory(32, 4, 1);
    String expected = "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659";
    assertThat(HexFormat.of().formatHex(reused(memory, ap, password, 32))).isEqualTo(expected);
    assertThat(HexFormat.of().formatHex(reused(memory, ap, password, 32))).isEqualTo(expected);
    assertThat(memory.allocated()).isEqualTo(1);
  }

  @Test
  void reusedMemoryMatchesAFreshGeneratorForEveryInput() {
    Random rnd = new Random(42);
    Argon2Memory memory = new Argon2Memory(1024, 1, 1);
    for (int i = 0; i < 40; i++) {
      byte[] salt = new byte[16];
      rnd.nextBytes(salt);
      byte[] password = ("pw-" + rnd.nextLong()).getBytes(StandardCharsets.UTF_8);
      int t = 1 + rnd.nextInt(3);
      int len = 16 + rnd.nextInt(33);
      Argon2Parameters ap = params(1024, t, 1, salt);
      assertThat(reused(memory, ap, password, len)).as("derivation %d (t=%d, len=%d)", i, t, len)
          .isEqualTo(fresh(ap, password, len));
    }
    assertThat(memory.allocated()).isEqualTo(1);
  }

  @Test
  void otherMemorySizesAndLanesGetTheirOwnGenerator() {
    Argon2Memory memory = new Argon2Memory(1024, 1, 1);
    byte[] salt = new byte[16];
    byte[] password = "password123!".getBytes(StandardCharsets.UTF_8);
    Argon2Parameters small = params(512, 1, 1, salt);
    Argon2Parameters twoLanes = params(1024, 1, 2, salt);
    assertThat(reused(memory, small, password, 32)).isEqualTo(fresh(small, password, 32));
    assertThat(reused(memory, twoLanes, password, 32)).isEqualTo(fresh(twoLanes, password, 32));
    Argon2Parameters same = params(1024, 1, 1, salt);
    assertThat(reused(memory, same, password, 32)).isEqualTo(fresh(same, password, 32));
    assertThat(reused(memory, same, password, 32)).isEqualTo(fresh(same, password, 32));
    assertThat(memory.allocated()).as("one each for the two other shapes, one kept for the configured one").isEqualTo(3);
  }

  @Test
  void concurrentThreadsShareAtMostTheirNumberOfMemories() throws Exception {
    int threads = 3;
    Argon2Memory memory = new Argon2Memory(1024, 1, threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Boolean>> checks = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        int n = i;
        checks.add(pool.submit(() -> {
          byte[] salt = new byte[16];
          salt[0] = (byte) n;
          byte[] password = ("password-" + n).getBytes(StandardCharsets.UTF_8);
          Argon2Parameters ap = params(1024, 2, 1, salt);
          return Arrays.equals(reused(memory, ap, password, 32), fresh(ap, password, 32));
        }));
      }
      for (Future<Boolean> c : checks) assertThat(c.get()).isTrue();
    } finally {
      pool.shutdownNow();
    }
    assertThat(memory.allocated()).isBetween(1L, (long) threads);
  }

  @Test
  void theUnknownEmailPathCostsOneDerivationWithTheConfiguredParametersAndNoneAtConstruction() {
    PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Params(1024, 1, 1));
    assertThat(hasher.hashCount()).isZero();
    hasher.verifyDummy("password123!");
    assertThat(hasher.hashCount()).isEqualTo(1);
    assertThat(hasher.memoriesAllocated()).as("a derivation of the configured shape").isEqualTo(1);
    String stored = hasher.hash("password123!");
    assertThat(hasher.memoriesAllocated()).as("the same memory size and lanes as a real hash").isEqualTo(1);
    assertThat(hasher.needsRehash(stored)).isFalse();
  }

  @Test
  void aHasherAllocatesItsWorkingMemoryOnceForASeriesOfLogins() {
    PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Params(1024, 1, 1), 2);
    String stored = hasher.hash("password123!");
    for (int i = 0; i < 10; i++) assertThat(hasher.verify("password123!", stored)).isTrue();
    assertThat(hasher.verify("wrong-password", stored)).isFalse();
    hasher.verifyDummy("anything");
    assertThat(hasher.hashCount()).isEqualTo(13); // the stored hash, 10 + 1 verifications, the unknown-email run
    assertThat(hasher.memoriesAllocated()).isEqualTo(1);
  }
}
