#include "server/origin_policy.hpp"

#include <algorithm>
#include <cctype>

namespace qabot::server {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

struct HostPort {
  std::string host;
  std::string port;
};

// "Host:8080" / "[::1]:8080" / "host" → lower-cased host and port ("" when absent).
HostPort split_host_port(std::string_view s) {
  HostPort hp;
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos) return {lower(s), ""};
    hp.host = lower(s.substr(0, close + 1));
    if (close + 1 < s.size() && s[close + 1] == ':') hp.port = std::string(s.substr(close + 2));
    return hp;
  }
  const auto colon = s.rfind(':');
  if (colon == std::string_view::npos) return {lower(s), ""};
  return {lower(s.substr(0, colon)), std::string(s.substr(colon + 1))};
}

}  // namespace

std::string normalize_origin(std::string_view origin) {
  while (!origin.empty() && origin.back() == '/') origin.remove_suffix(1);
  const auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return "";
  const std::string scheme = lower(origin.substr(0, scheme_end));
  const std::string_view authority = origin.substr(scheme_end + 3);
  if (authority.empty() || authority.find_first_of("/?#@ ") != std::string_view::npos) return "";
  HostPort hp = split_host_port(authority);
  if (hp.host.empty()) return "";
  if ((scheme == "http" && hp.port == "80") || (scheme == "https" && hp.port == "443")) hp.port.clear();
  return scheme + "://" + hp.host + (hp.port.empty() ? "" : ":" + hp.port);
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
  const std::string n = normalize_origin(*origin);
  if (n.empty()) return false;  // includes the opaque origin "null"
  if (std::find(allowed_.begin(), allowed_.end(), n) != allowed_.end()) return true;

  // Same origin as the page this server serves: Origin's host:port equals the Host header.
  const auto scheme_end = n.find("://");
  const std::string scheme = n.substr(0, scheme_end);
  HostPort from_origin = split_host_port(std::string_view(n).substr(scheme_end + 3));
  HostPort from_host = split_host_port(host_header);
  if (from_host.host.empty()) return false;
  const std::string default_port = scheme == "https" ? "443" : "80";
  if (from_origin.port.empty()) from_origin.port = default_port;
  if (from_host.port.empty()) from_host.port = default_port;
  return from_origin.host == from_host.host && from_origin.port == from_host.port;
}

}  // namespace qabot::server
