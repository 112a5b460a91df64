package com.ledger.banksync.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SPEC.md §9: {@code X-Webhook-Signature: sha256=<lowercase hex HMAC-SHA256(secret, raw body bytes)>}, compared in
 * constant time ({@link MessageDigest#isEqual}) over the decoded MAC bytes.
 */
public final class WebhookSignature {
  private static final String PREFIX = "sha256=";

  private WebhookSignature() {}

  public static String sign(String secret, byte[] body) {
    return PREFIX + HexFormat.of().formatHex(mac(secret, body));
  }

  public static boolean verify(String secret, byte[] body, String header) {
    if (secret == null || header == null) return false;
    String h = header.trim();
    if (!h.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) return false;
    String hex = h.substring(PREFIX.length()).toLowerCase(Locale.ROOT);
    if (hex.length() != 64) return false;
    byte[] given;
    try {
      given = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(mac(secret, body), given);
  }

  private static byte[] mac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(body == null ? new byte[0] : body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
