#include "server/https_url.hpp"

#include <utility>

namespace qabot::server {

std::optional<Url> parse_https_url(std::string_view url) {
  UrlResult parsed = parse_url(url, {"https"});
  if (!parsed.url || parsed.url->ipv6) return std::nullopt;
  return std::move(parsed.url);
}

}  // namespace qabot::server
