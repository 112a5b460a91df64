package com.ledger.http;

import static com.ledger.support.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.ledger.support.RawHttp;
import com.ledger.support.RawHttp.Exchange;
import com.ledger.support.TestApp;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests the HTTP/1.1 codec refuses, sent as raw bytes (SPEC.md §15, transport-level rejections): each answers
 * problem+json with a catalog reason, a correlation id and the security headers, and the connection is closed.
 */
class TransportRejectionsTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start();
  }

  @AfterAll
  static void stop() {
    app.verifyLedgerAndClose();
  }

  private static Exchange raw(String request) {
    return RawHttp.send(app.port, request);
  }

  /** The usual problem shape plus what every transport rejection carries. */
  private static void assertRejected(Exchange x, int status, String reason) {
    assertThat(x.status()).as(x.toString()).isEqualTo(status);
    assertProblem(x.resp(), status, reason);
    assertThat(x.header("x-correlation-id")).as(x.toString()).matches("[0-9a-f]{32}");
    assertThat(x.header("x-request-id")).matches("[0-9a-f]{32}");
    assertThat(x.header("x-content-type-options")).isEqualTo("nosniff");
    assertThat(x.header("x-frame-options")).isEqualTo("DENY");
    assertThat(x.header("content-security-policy")).startsWith("default-src 'none'");
    assertThat(x.header("referrer-policy")).isEqualTo("strict-origin-when-cross-origin");
    assertThat(x.header("connection")).isEqualToIgnoringCase("close");
    assertThat(x.closedByServer()).as("connection closed: " + x).isTrue();
  }

  @Test
  void a_control_character_in_a_header_is_400_bad_request_problem() {
    Exchange x = raw("POST /api/auth/login HTTP/1.1\r\nHost: t\r\nIdempotency-Key: a\u0001b\r\n"
        + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    assertRejected(x, 400, "bad_request");
  }

  @Test
  void a_correlation_id_with_del_is_replaced_by_a_generated_one_never_echoed_empty() {
    Exchange x = raw("GET /api/health HTTP/1.1\r\nHost: t\r\nX-Correlation-ID: ab\u007fcd\r\n\r\n");
    assertRejected(x, 400, "bad_request");
    assertThat(x.resp().json().getString("instance")).isEqualTo(x.header("x-correlation-id"));
  }

  @Test
  void a_malformed_request_line_is_400_bad_request_problem() {
    assertRejected(raw("GARBAGE\r\n\r\n"), 400, "bad_request");
    assertRejected(raw("GET /api/health HTTP/9.9 extra\r\nHost: t\r\n\r\n"), 400, "bad_request");
  }

  @Test
  void http11_without_host_is_400_bad_request_and_http10_needs_none() {
    Exchange x = raw("GET /api/health HTTP/1.1\r\n\r\n");
    assertRejected(x, 400, "bad_request");
    Exchange old = raw("GET /api/health HTTP/1.0\r\n\r\n");
    assertThat(old.status()).as(old.toString()).isEqualTo(200);
  }

  @Test
  void content_length_with_transfer_encoding_is_400_and_the_connection_is_closed() {
    // the bytes after the chunked body must never be served as a second request (request smuggling)
    Exchange x = raw("POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
        + "GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n");
    assertRejected(x, 400, "bad_request");
    assertThat(x.responses()).as(x.toString()).isEqualTo(1);
    assertThat(x.raw()).doesNotContain("\"status\":\"ok\"");
  }

  @Test
  void a_transfer_coding_other_than_chunked_last_is_400_bad_request() {
    Exchange x = raw("POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: gzip\r\n\r\n{}GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n");
    assertRejected(x, 400, "bad_request");
    assertThat(x.responses()).isEqualTo(1);
  }

  @Test
  void two_host_headers_are_400_bad_request() {
    assertRejected(raw("GET /api/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400, "bad_request");
    assertRejected(raw("GET /api/health HTTP/1.1\r\nHost: bad host!\r\n\r\n"), 400, "bad_request");
  }

  @Test
  void a_sane_client_correlation_id_before_the_bad_header_is_kept_or_replaced_never_broken() {
    Exchange x = raw("GET /api/health HTTP/1.1\r\nHost: t\r\nX-Correlation-ID: client-7\r\nX-Bad: a\u0002\r\n\r\n");
    assertThat(x.status()).isEqualTo(400);
    assertThat(x.header("x-correlation-id")).matches("client-7|[0-9a-f]{32}");
    assertThat(x.resp().json().getString("instance")).isEqualTo(x.header("x-correlation-id"));
  }

  @Test
  void conflicting_content_lengths_are_400_bad_request() {
    assertRejected(raw("POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}"), 400, "bad_request");
  }

  @Test
  void invalid_chunking_is_400_bad_request_problem() {
    assertRejected(raw("POST /api/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"), 400, "bad_request");
  }

  @Test
  void headers_beyond_what_the_codec_reads_keep_request_headers_too_large() {
    Exchange x = raw("GET /api/health HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n");
    assertRejected(x, 413, "request_headers_too_large");
  }

  @Test
  void a_request_line_beyond_what_the_codec_reads_keeps_request_uri_too_long() {
    Exchange x = raw("GET /api/health?x=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: t\r\n\r\n");
    assertRejected(x, 414, "request_uri_too_long");
  }

  @Test
  void a_valid_request_on_the_same_server_is_untouched() {
    Exchange ok = RawHttp.send(app.port, ("GET /api/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII), 3_000);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("x-correlation-id")).matches("[0-9a-f]{32}");
  }
}
