#include "server/https_url.hpp"

#include <algorithm>
#include <charconv>

namespace qabot::server {
namespace {

constexpr std::string_view kScheme = "https://";
// Enough of Slack's "/actions/T0123/…" to tell workspaces apart in a log, too little to replay it.
constexpr std::size_t kLoggedPathChars = 12;

bool is_visible_ascii(char c) { return c > 0x20 && c < 0x7f; }

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

}  // namespace

std::optional<HttpsUrl> HttpsUrl::parse(std::string_view url) {
  if (!std::all_of(url.begin(), url.end(), is_visible_ascii)) return std::nullopt;
  if (url.size() < kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = url[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kScheme[i]) return std::nullopt;
  }
  url.remove_prefix(kScheme.size());

  const std::size_t end_of_authority = std::min(url.find_first_of("/?#"), url.size());
  const std::string_view authority = url.substr(0, end_of_authority);
  std::string_view rest = url.substr(end_of_authority);

  HttpsUrl out;
  std::string_view host = authority;
  if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    const std::string_view digits = authority.substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
      return std::nullopt;
    }
    out.port = static_cast<unsigned short>(port);
  }
  if (host.empty() || host.front() == '.' || host.front() == '-') return std::nullopt;
  out.host.reserve(host.size());
  for (char c : host) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!is_host_char(c)) return std::nullopt;  // also refuses "user@host" and "[::1]"
    out.host.push_back(c);
  }

  rest = rest.substr(0, rest.find('#'));
  if (rest.empty()) out.target = "/";
  else if (rest.front() == '?') out.target = "/" + std::string(rest);
  else out.target = std::string(rest);
  return out;
}

std::string HttpsUrl::authority() const {
  return port == 443 ? host : host + ":" + std::to_string(port);
}

std::string HttpsUrl::redacted() const {
  if (target.size() <= kLoggedPathChars) return authority() + target;
  return authority() + target.substr(0, kLoggedPathChars) + "…";
}

}  // namespace qabot::server
