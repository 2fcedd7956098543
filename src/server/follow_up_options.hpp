#pragma once
// How Slack follow-ups (answers to button clicks, POSTed to the click's response_url) are delivered,
// and what became of one. The defaults are the production ones: only Slack's hosts on port 443,
// certificates checked against the system store. The test-only fields never widen that by default.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace qabot::server {

struct FollowUpOptions {
  // URLs whose host (case-insensitive) and port are not listed here are refused without a connection.
  std::vector<std::string> allowed_hosts = {"hooks.slack.com", "hooks.slack-gov.com"};
  std::vector<unsigned short> allowed_ports = {443};
  // PEM certificates to trust instead of the system store (tests: a certificate made in the test).
  std::string trusted_ca_pem;
  // Tests: open the TCP connection here instead of the URL's host. TLS (SNI, certificate and host
  // name check) still uses the URL's host, so the check itself is what the tests exercise.
  std::string connect_host;
  unsigned short connect_port = 0;

  std::chrono::milliseconds timeout{10000};        // whole delivery: resolve … response, retry included
  std::chrono::milliseconds retry_delay{1000};     // before the one retry after a connection failure
  std::chrono::milliseconds shutdown_grace{2000};  // TLS close_notify exchange after the response
  std::size_t max_in_flight = 32;                  // beyond: dropped with a warning
  std::size_t max_response_bytes = 64 * 1024;
};

struct FollowUpResult {
  enum class Outcome {
    Delivered,  // 2xx
    Rejected,   // the receiver answered with another status (Slack: 404 expired_url, used_url, …)
    Failed,     // DNS, TCP, TLS (including an untrusted certificate), timeout, cancelled
    Refused,    // the URL is not an allowed https URL: nothing was sent
    Dropped,    // too many in flight, or the sender is stopping: nothing was sent
  };
  Outcome outcome = Outcome::Failed;
  int status = 0;     // HTTP status when one was read
  int attempts = 0;   // connections tried
  std::string error;  // why, for Failed / Refused / Dropped; safe to log (no URL path)
};

const char* to_string(FollowUpResult::Outcome outcome);

}  // namespace qabot::server
