#include "server/origin_policy.hpp"

#include <algorithm>

#include "server/url.hpp"

namespace qabot::server {

std::string normalize_origin(std::string_view origin) {
  const auto url = parse_origin(origin);
  return url ? url->origin() : "";
}

OriginPolicy::OriginPolicy(std::vector<std::string> allowed) {
  for (const auto& a : allowed) {
    if (a == "*") {
      any_ = true;
      continue;
    }
    if (auto n = normalize_origin(a); !n.empty()) allowed_.push_back(std::move(n));
  }
}

bool OriginPolicy::allows(const std::string_view* origin, std::string_view host_header) const {
  if (origin == nullptr) return true;
  if (any_) return true;
  const auto from_origin = parse_origin(*origin);
  if (!from_origin) return false;  // includes the opaque origin "null"
  if (std::find(allowed_.begin(), allowed_.end(), from_origin->origin()) != allowed_.end()) return true;

  // Same origin as the page this server serves: Origin's host:port equals the Host header, whose
  // port defaults to that of Origin's scheme (behind a TLS-terminating proxy, a Host of
  // "example.com" is https://example.com:443).
  const auto from_host = parse_host_header(host_header, from_origin->scheme);
  return from_host && from_host->host == from_origin->host && from_host->port == from_origin->port;
}

}  // namespace qabot::server
