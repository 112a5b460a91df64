package com.ledger.platform.config;

/**
 * The {@code auth} section: password rules and hashing (read by the users context, which owns the hashes), the login
 * throttle and the user-status cache.
 *
 * @param userPasswordMinLength    {@code auth.{user,admin,support}_password_min_length}, each ≥ 6 (SPEC.md §4.6)
 * @param hashThreads              the node's shared Argon2 worker pool ({@code auth.password.hash_threads})
 * @param loginMaxFailures         {@code auth.login_throttle.max_failures} within {@code window_seconds}
 * @param statusCacheMs            {@code auth.status_cache_ms}: how long a cached user may serve (0 disables the cache)
 * @param argon2                   {@code auth.password.{memory_kib,iterations,parallelism}}
 */
public record AuthConfig(int userPasswordMinLength, int adminPasswordMinLength, int supportPasswordMinLength,
    int hashThreads, int loginMaxFailures, int loginWindowSeconds, int statusCacheMs, Argon2 argon2) {

  public record Argon2(int memoryKib, int iterations, int parallelism) {}

  static AuthConfig from(ConfigReader auth) {
    int user = auth.integer("user_password_min_length", 8, 6, 255);
    int admin = auth.integer("admin_password_min_length", 15, 6, 255);
    int support = auth.integer("support_password_min_length", 15, 6, 255);
    int hashThreads = auth.child("password").integer("hash_threads", 2, 1, 64);
    ConfigReader throttle = auth.child("login_throttle");
    int maxFailures = throttle.integer("max_failures", 5, 1, 1_000_000);
    int windowSeconds = throttle.integer("window_seconds", 300, 1, 86_400);
    int statusCacheMs = auth.integer("status_cache_ms", 5000, 0, 600_000);
    ConfigReader p = auth.child("password");
    return new AuthConfig(user, admin, support, hashThreads, maxFailures, windowSeconds, statusCacheMs,
        new Argon2(p.integer("memory_kib", 19_456, 1024, 4_194_304), p.integer("iterations", 2, 1, 100),
            p.integer("parallelism", 1, 1, 64)));
  }
}
