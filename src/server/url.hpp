#pragma once
// The one URL parser of qabot, over Boost.URL: `qabot chat`'s ws:// and wss:// URL, the https:// URL
// a Slack follow-up goes to, and the Origin and Host headers the WebSocket origin check reads.
//
// Strict on purpose: these URLs end up in a request line and a Host header, and one of them comes
// from a webhook payload. So user info, empty or out-of-range ports, host names with anything but
// letters, digits, '-' and '.' (percent-encoding included) and IPvFuture literals are refused, never
// cleaned; Boost.URL's grammar already refuses spaces, control characters and non-ASCII bytes.

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace qabot::server {

struct Url {
  std::string scheme;       // lower case
  std::string host;         // lower case; an IPv6 literal in canonical form, without brackets
  unsigned short port = 0;  // from the URL, else default_port(scheme) (0 for a scheme without one)
  std::string target;       // path and query, starting with '/'; the fragment is dropped
  bool ipv6 = false;        // host is an IPv6 literal

  // The Host header value: "host", or "host:port" when the port is not the scheme's default; an
  // IPv6 literal in brackets.
  std::string authority() const;

  // "scheme://authority", as an Origin header serialises it.
  std::string origin() const;

  // Safe to log: Slack's response_url carries a secret token in its path, so only the host and the
  // first characters of the path are shown ("hooks.slack.com/actions/T0…").
  std::string redacted() const;

  bool operator==(const Url&) const = default;
};

// 80 for http and ws, 443 for https and wss, 0 for any other scheme.
unsigned short default_port(std::string_view scheme);

// A URL, or what is wrong with the text, in a sentence for people.
struct UrlResult {
  std::optional<Url> url;
  std::string error;  // "not a ws:// or wss:// URL: ws://u@h/ws (user info is not accepted)"; "" with a url
};

// An absolute URL with a host, whose scheme is one of `schemes` (lower case; the URL's is compared
// ignoring case). A URL without a path gets `empty_path` (`qabot chat ws://host:8080` means "/ws").
UrlResult parse_url(std::string_view text, std::initializer_list<std::string_view> schemes,
                    std::string_view empty_path = "/");

// An Origin header (RFC 6454: scheme "://" host [":" port], any scheme), tolerating the trailing
// slashes people write in --allow-origin. nullopt for the opaque origin "null" and anything with
// user info, a path, a query or a fragment. The target is "/".
std::optional<Url> parse_origin(std::string_view origin);

// A Host header ("host", "host:8080", "[::1]:8080") read for `scheme`, whose default port it takes
// when it has none. nullopt when empty, with user info or with a host parse_url would refuse.
std::optional<Url> parse_host_header(std::string_view host, std::string_view scheme);

}  // namespace qabot::server
