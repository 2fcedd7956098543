#pragma once
// The parts of an https:// URL that an outgoing request needs, parsed strictly: the URL comes from
// a webhook payload, so anything that could smuggle bytes into the request line or Host header (spaces,
// control characters, non-ASCII, user info) is refused rather than cleaned.

#include <optional>
#include <string>
#include <string_view>

namespace qabot::server {

struct HttpsUrl {
  std::string host;           // lower case, no brackets (IPv6 literals are not accepted)
  unsigned short port = 443;  // from the URL, 443 when absent
  std::string target;         // path and query, starting with '/'; the fragment is dropped

  // nullopt unless `url` is a well-formed https URL with a host.
  static std::optional<HttpsUrl> parse(std::string_view url);

  // The Host header value: "host", or "host:port" when the port is not 443.
  std::string authority() const;

  // Safe to log: Slack's response_url carries a secret token in its path, so only the host and the
  // first characters of the path are shown ("hooks.slack.com/actions/T0…").
  std::string redacted() const;
};

}  // namespace qabot::server
