package com.ledger.sandbox;

import static com.ledger.sandbox.SandboxHttp.error;
import static com.ledger.sandbox.SandboxHttp.json;

import com.ledger.banksync.api.BankProtocol;
import com.ledger.platform.config.SandboxConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The bank protocol endpoints of the sandbox: OAuth2 token (password, refresh_token), accounts, transactions. */
final class SandboxApi {
  private static final int MAX_FLAKY_KEYS = 10_000;

  private final SandboxConfig cfg;
  private final SandboxTokens tokens;
  private final SandboxHttp http;
  private final SandboxFaults faults;
  private final Set<String> flakySeen = ConcurrentHashMap.newKeySet();

  SandboxApi(SandboxConfig cfg, SandboxTokens tokens, SandboxHttp http, SandboxFaults faults) {
    this.cfg = cfg;
    this.tokens = tokens;
    this.http = http;
    this.faults = faults;
  }

  void forgetFlakySyncs() {
    flakySeen.clear();
  }

  void token(RoutingContext rc) {
    var form = rc.request().formAttributes();
    if (!cfg.clientId().equals(form.get("client_id")) || !cfg.clientSecret().equals(form.get("client_secret"))) {
      http.count("token invalid_client");
      error(rc, 401, "invalid_client", "unknown client or wrong client secret");
      return;
    }
    String grant = form.get("grant_type");
    if ("password".equals(grant)) {
      String username = form.get("username");
      String password = form.get("password");
      if (username == null || username.isBlank() || password == null) {
        error(rc, 400, "invalid_request", "username and password are required");
      } else if (!SandboxLedger.acceptsPassword(password)) {
        http.count("token password rejected");
        error(rc, 400, "invalid_grant", "invalid username or password");
      } else {
        http.count("token password");
        issued(rc, tokens.issue(username));
      }
    } else if ("refresh_token".equals(grant)) {
      String rt = form.get("refresh_token");
      if (!SandboxLedger.acceptsRefreshToken(rt)) {
        http.count("token refresh rejected");
        error(rc, 400, "invalid_grant", "refresh token is invalid");
      } else {
        http.count("token refresh");
        issued(rc, tokens.issue(tokens.ownerOfRefreshToken(rt)));
      }
    } else {
      error(rc, 400, "unsupported_grant_type", "grant_type must be password or refresh_token");
    }
  }

  private static void issued(RoutingContext rc, SandboxTokens.Issued t) {
    json(rc, 200, new JsonObject().put("access_token", t.accessToken()).put("refresh_token", t.refreshToken())
        .put("token_type", "Bearer").put("expires_in", t.expiresIn()).put("scope", SandboxLedger.SCOPE)
        .put("user_id", t.username() == null ? null : SandboxLedger.providerUserId(t.username())));
  }

  void accounts(RoutingContext rc) {
    SandboxTokens.Grant grant = authorize(rc);
    SandboxLedger.LoginContext ctx = grant == null ? null : context(rc);
    if (ctx == null) return;
    if (grant.username() != null && grant.username().startsWith("flaky")) {
      // "the first GET /accounts of each sync fails": a sync is identified by the client's sync id (the job id)
      String key = grant.username() + "|" + ctx.loginId() + "|" + rc.request().getHeader(BankProtocol.H_SYNC_ID);
      if (flakySeen.size() > MAX_FLAKY_KEYS) flakySeen.clear();
      if (flakySeen.add(key)) {
        http.count("faults flaky");
        error(rc, 503, "temporarily_unavailable", "flaky login: first accounts call of a sync fails");
        return;
      }
    }
    json(rc, 200, new JsonObject().put("accounts", SandboxLedger.accounts(ctx)));
  }

  void transactions(RoutingContext rc) {
    SandboxTokens.Grant grant = authorize(rc);
    SandboxLedger.LoginContext ctx = grant == null ? null : context(rc);
    if (ctx == null) return;
    String accountId = rc.queryParams().get("account_id");
    if (accountId == null || accountId.isBlank()) {
      error(rc, 400, "invalid_request", "account_id is required");
      return;
    }
    Instant since = null;
    String s = rc.queryParams().get("since");
    if (s != null && !s.isBlank()) {
      try {
        since = Instant.parse(s);
      } catch (DateTimeParseException e) {
        error(rc, 400, "invalid_request", "since must be an RFC 3339 timestamp");
        return;
      }
    }
    json(rc, 200, new JsonObject().put("transactions",
        faults.tamper(SandboxLedger.transactions(ctx, accountId, since))));
  }

  private SandboxTokens.Grant authorize(RoutingContext rc) {
    String h = rc.request().getHeader("Authorization");
    SandboxTokens.Grant g = tokens.validate(h != null && h.startsWith("Bearer ") ? h.substring(7).trim() : null);
    if (g == null) {
      http.count("data invalid_token");
      rc.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      error(rc, 401, "invalid_token", "the access token is missing, unknown or expired");
    }
    return g;
  }

  private static SandboxLedger.LoginContext context(RoutingContext rc) {
    var r = rc.request();
    String loginId = r.getHeader(BankProtocol.H_LOGIN_ID);
    String bankName = r.getHeader(BankProtocol.H_BANK_NAME);
    try {
      if (loginId == null || loginId.replace("-", "").length() < 16 || bankName == null || bankName.isBlank()) {
        throw new IllegalArgumentException();
      }
      return new SandboxLedger.LoginContext(loginId, Instant.parse(r.getHeader(BankProtocol.H_LOGIN_CREATED)), bankName,
          r.getHeader(BankProtocol.H_BANK_COUNTRY));
    } catch (RuntimeException e) {
      error(rc, 400, "invalid_request", "the sandbox needs the " + BankProtocol.H_LOGIN_ID + ", "
          + BankProtocol.H_LOGIN_CREATED + " and " + BankProtocol.H_BANK_NAME + " headers");
      return null;
    }
  }
}
