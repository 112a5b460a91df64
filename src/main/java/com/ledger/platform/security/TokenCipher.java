package com.ledger.platform.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM for secrets at rest (bank OAuth tokens): {@code v1:<base64(iv | ciphertext+tag)>}. */
public final class TokenCipher {
  private static final String PREFIX = "v1:";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private final SecretKeySpec key;
  private final SecretKeySpec macKey;
  private final SecureRandom random = new SecureRandom();

  public TokenCipher(byte[] key) {
    if (key.length != 32) throw new IllegalArgumentException("AES-256 key must be 32 bytes");
    this.key = new SecretKeySpec(key, "AES");
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("ledger-mac:".getBytes(StandardCharsets.US_ASCII));
      this.macKey = new SecretKeySpec(sha.digest(key), "HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A key derived from another secret (dev only, when no explicit key is configured). */
  public static TokenCipher derivedFrom(String secret) {
    try {
      return new TokenCipher(MessageDigest.getInstance("SHA-256")
          .digest(("ledger-token-key:" + secret).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public String encrypt(String plain) {
    if (plain == null) return null;
    try {
      byte[] iv = new byte[IV_BYTES];
      random.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + ct.length).put(iv).put(ct).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  /**
   * HMAC-SHA256 (64 lowercase hex) under a key derived from this one: a digest of text that holds a secret (an
   * Idempotency-Key fingerprint of a request carrying a bank password) which, unlike a plain hash, cannot be guessed
   * offline from a database copy.
   */
  public String mac(String text) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(macKey);
      return HexFormat.of().formatHex(m.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("mac failed", e);
    }
  }

  public String decrypt(String stored) {
    if (stored == null) return null;
    if (!stored.startsWith(PREFIX)) throw new IllegalArgumentException("not an encrypted value");
    try {
      byte[] all = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
      return new String(c.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("decryption failed (wrong bank.token_key?)", e);
    }
  }
}
