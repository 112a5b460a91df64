package com.ledger.platform.config;

/**
 * The sandbox bank's slice of the config ({@code sandbox_bank.*}; client credentials from {@code bank.*}).
 *
 * @param adminEndpoints whether {@code /sandbox/admin/*} is served ({@code auto}: outside prod)
 */
public record SandboxConfig(String host, int port, int latencyMs, double errorRate, int tokenTtlSeconds,
    String clientId, String clientSecret, boolean adminEndpoints) {

  static SandboxConfig from(ConfigReader root, boolean prod) {
    ConfigReader s = root.child("sandbox_bank");
    ConfigReader bank = root.child("bank");
    return new SandboxConfig(s.string("host", "127.0.0.1"), s.integer("port", 4010, 0, 65535),
        s.integer("latency_ms", 0, 0, 600_000), s.decimal("error_rate", 0.0, 0.0, 1.0),
        s.integer("token_ttl_seconds", 3600, 1, 86_400), bank.string("client_id", "ledgerbank"),
        bank.string("client_secret", "sandbox-secret"), s.toggle("admin_endpoints", Toggle.AUTO).on(!prod));
  }
}
