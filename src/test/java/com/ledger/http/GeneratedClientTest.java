package com.ledger.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.ledger.client.ApiClient;
import com.ledger.client.ApiException;
import com.ledger.client.api.AccountsApi;
import com.ledger.client.api.AuthApi;
import com.ledger.client.api.BankLoginsApi;
import com.ledger.client.api.BanksApi;
import com.ledger.client.api.HealthApi;
import com.ledger.client.api.JobsApi;
import com.ledger.client.api.PaymentsApi;
import com.ledger.client.api.ProblemsApi;
import com.ledger.client.api.ProfileApi;
import com.ledger.client.api.UsersApi;
import com.ledger.client.api.WebhooksApi;
import com.ledger.client.model.Account;
import com.ledger.client.model.BankBranch;
import com.ledger.client.model.ChangePasswordRequest;
import com.ledger.client.model.CreateBankLoginRequest;
import com.ledger.client.model.CreatePaymentRequest;
import com.ledger.client.model.CreatePaymentRequestAmount;
import com.ledger.client.model.JobState;
import com.ledger.client.model.LoginRequest;
import com.ledger.client.model.LoginResult;
import com.ledger.client.model.Payment;
import com.ledger.client.model.PaymentProcessTicket;
import com.ledger.client.model.PaymentStatus;
import com.ledger.client.model.RefreshTokenRequest;
import com.ledger.client.model.RegisterUserRequest;
import com.ledger.client.model.UpdateUserRequest;
import com.ledger.support.Poll;
import com.ledger.support.TestApp;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A user's day driven by the Java client that openapi-generator (java, native) builds from openapi.yaml during the
 * build, unmodified, against the real application: every operation a user needs, async processing included.
 */
class GeneratedClientTest {
  private static final String PASSWORD = "password123!";

  @Test
  void a_users_day_through_the_generated_client() throws Exception {
    try (TestApp app = TestApp.start(Map.of("seed_demo_data", true, "jobs.poll_interval_ms", 200))) {
      AtomicReference<String> token = new AtomicReference<>();
      ApiClient client = new ApiClient();
      client.updateBaseUri("http://127.0.0.1:" + app.port);
      client.setRequestInterceptor(b -> {
        if (token.get() != null) b.header("Authorization", "Bearer " + token.get());
      });
      var auth = new AuthApi(client);
      var users = new UsersApi(client);
      var profile = new ProfileApi(client);
      var banks = new BanksApi(client);
      var logins = new BankLoginsApi(client);
      var accounts = new AccountsApi(client);
      var payments = new PaymentsApi(client);
      var jobs = new JobsApi(client);

      // public routes
      assertThat(new HealthApi(client).healthCheck().getStatus()).isNotNull();
      assertThat(new ProblemsApi(client).problemsList().getData()).isNotEmpty();
      assertThat(new ProblemsApi(client).problemsGet("bad_request").getData().getStatus()).isEqualTo(400);
      assertThat(new ProblemsApi(client).problemsByCategory("validation").getData()).isNotEmpty();
      assertThat(new WebhooksApi(client).webhooksList().getData().getTotalCount()).isEqualTo(3);

      // register (an internationalized local part, as SPEC allows), log in, look at yourself
      String email = "josé." + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
      var me = users.usersRegister(new RegisterUserRequest().email(email).fullName("José Client").password(PASSWORD)
          .passwordConfirmation(PASSWORD)).getData();
      assertThat(me.getEmail()).isEqualTo(email);
      LoginResult session = auth.authLogin(new LoginRequest().email(email).password(PASSWORD)).getData();
      token.set(session.getAccessToken());
      assertThat(auth.authMe().getData().getId()).isEqualTo(me.getId());
      assertThat(auth.authValidate().getData().getUserId()).isEqualTo(me.getId());
      var refreshed = auth.authRefresh(new RefreshTokenRequest().refreshToken(session.getRefreshToken())).getData();
      token.set(refreshed.getAccessToken().getAccessToken());
      assertThat(profile.profileUpdate(new UpdateUserRequest().fullName("José C.")).getData().getFullName())
          .isEqualTo("José C.");
      assertThat(profile.profileGet().getData().getFullName()).isEqualTo("José C.");

      // connect a bank, sync it, see the accounts and their transactions
      BankBranch branch = banks.banksyncBanksList(null).getData().get(0).getBranches().get(0);
      var login = logins.banksyncLoginsCreate(null, new CreateBankLoginRequest().bankBranchId(branch.getId().toString())
          .username("jose" + UUID.randomUUID().toString().substring(0, 6)).password("bank-password-1")).getData();
      assertThat(logins.banksyncLoginsList().getData()).extracting(l -> l.getId()).containsExactly(login.getId());
      var syncTicket = logins.banksyncSyncLogin(login.getId(), "sync-" + UUID.randomUUID()).getData();
      awaitJob(jobs, syncTicket.getJobId());
      Account account = accounts.accountsList().getData().get(0);
      assertThat(accounts.accountsGet(account.getId()).getData().getBalance()).isEqualTo(account.getBalance());
      assertThat(accounts.accountsTransactions(account.getId(), null, null, null, null, null).getData()).isNotEmpty();

      // payments: validate, create (idempotent), process now, process in the background, cancel, list
      CreatePaymentRequest pay = new CreatePaymentRequest().amount(new CreatePaymentRequestAmount("30.00"))
          .direction("DEBIT").paymentType("PAYMENT").description("Groceries").userBankAccountId(account.getId().toString());
      assertThat(payments.paymentsValidate(pay).getData().getValid()).isTrue();
      String key = "gen-" + UUID.randomUUID();
      Payment created = payments.paymentsCreate(key, pay).getData();
      assertThat(payments.paymentsCreate(key, pay).getData().getId()).isEqualTo(created.getId());
      assertThat(payments.paymentsGet(created.getId()).getData().getStatus()).isEqualTo(PaymentStatus.PENDING);
      assertThat(payments.paymentsStatus(created.getId()).getData().getCanProcess()).isTrue();
      assertThat(payments.paymentsProcess(created.getId(), null, null).getData().getStatus())
          .isEqualTo(PaymentStatus.COMPLETED);

      Payment later = payments.paymentsCreate(null, pay.description("Rent share")
          .amount(new CreatePaymentRequestAmount("20.00"))).getData();
      PaymentProcessTicket ticket = payments.paymentsProcessAsync(later.getId(), null).getData();
      assertThat(ticket.getPaymentId()).isEqualTo(later.getId());
      assertThat(ticket.getCheckStatusUrl()).isEqualTo("/api/jobs/" + ticket.getJobId());
      awaitJob(jobs, ticket.getJobId());
      assertThat(payments.paymentsGet(later.getId()).getData().getStatus()).isEqualTo(PaymentStatus.COMPLETED);

      Payment dropped = payments.paymentsCreate(null, pay.description("Not needed")).getData();
      assertThat(payments.paymentsCancel(dropped.getId(), "cancel-" + UUID.randomUUID()).getData().getStatus()).isEqualTo(PaymentStatus.CANCELLED);
      assertThat(payments.paymentsList(null, null, null, null, null, null, null).getData()).hasSize(3);
      assertThat(accounts.accountsGet(account.getId()).getData().getBalance())
          .isEqualTo(new java.math.BigDecimal(account.getBalance()).subtract(new java.math.BigDecimal("50.00"))
              .setScale(2).toPlainString());

      // a problem is a typed failure with the problem+json body
      ApiException missing = catchThrowableOfType(ApiException.class, () -> payments.paymentsGet(UUID.randomUUID()));
      assertThat(missing.getCode()).isEqualTo(404);
      assertThat(new JsonObject(missing.getResponseBody()).getString("reason")).isEqualTo("payment_not_found");
      assertThat(missing.getResponseHeaders().firstValue("content-type")).hasValueSatisfying(
          ct -> assertThat(ct).startsWith("application/problem+json"));

      // change the password, leave the bank, log out everywhere
      profile.profileChangePassword(new ChangePasswordRequest().currentPassword(PASSWORD).newPassword("new-password-456!")
          .passwordConfirmation("new-password-456!"));
      logins.banksyncLoginsDelete(login.getId());
      assertThat(logins.banksyncLoginsList().getData()).isEmpty();
      auth.authLogout(new RefreshTokenRequest().refreshToken(refreshed.getAccessToken().getRefreshToken()));
      assertThat(auth.authLogoutAll().getData().getMessage()).isNotBlank();
      app.assertLedgerVerifies();
    }
  }

  /** Poll GET /api/jobs/{id} (what check_status_url names) until the job completed; fail on dead or after 30 s. */
  private static void awaitJob(JobsApi jobs, UUID id) {
    Poll.until("job " + id + " completed", Duration.ofSeconds(30), () -> {
      JobState state;
      try {
        state = jobs.jobsGet(id).getData().getState();
      } catch (ApiException e) {
        throw new AssertionError("GET /api/jobs/" + id + ": " + e.getCode() + " " + e.getResponseBody(), e);
      }
      assertThat(state).as("job " + id).isNotEqualTo(JobState.DEAD);
      return state == JobState.COMPLETED;
    });
  }
}
