#pragma once
// The https:// URL an outgoing request (a Slack follow-up) goes to. The URL comes from a webhook
// payload, so parse_url's strictness matters here: anything that could smuggle bytes into the
// request line or Host header (spaces, control characters, non-ASCII, user info) is refused rather
// than cleaned. IPv6 literals are refused too: follow-ups go to allowed host names only.

#include <optional>
#include <string_view>

#include "server/url.hpp"

namespace qabot::server {

// nullopt unless `url` is a well-formed https URL with a host name or IPv4 address; the port is
// 443 when absent, the target "/" when the URL has no path.
std::optional<Url> parse_https_url(std::string_view url);

}  // namespace qabot::server
