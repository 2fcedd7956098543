#include "server/url.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include <boost/url/authority_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace qabot::server {
namespace {

namespace urls = boost::urls;

// Enough of Slack's "/actions/T0123/…" to tell workspaces apart in a log, too little to replay it.
constexpr std::size_t kLoggedPathChars = 12;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

// A DNS name or an IPv4 address as a Host header carries it: no percent-encoding, no '_', no
// sub-delims, which the URI grammar allows in a reg-name.
bool is_host_name(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.front() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

// Fills out.host and out.port from `authority`, the port defaulting to out.scheme's. Returns why
// the authority is refused, or "" when it is fine.
std::string read_authority(const urls::authority_view& authority, Url& out) {
  if (authority.has_userinfo()) return "user info is not accepted";
  switch (authority.host_type()) {
    case urls::host_type::ipv6:
      out.host = authority.host_ipv6_address().to_string();
      out.ipv6 = true;
      break;
    case urls::host_type::ipv4:
    case urls::host_type::name:
      if (authority.encoded_host().empty()) return "no host";
      if (!is_host_name(authority.encoded_host())) return "not a host name";
      out.host = lower(authority.encoded_host());
      break;
    default: return "not a host name";  // IPvFuture
  }
  out.port = default_port(out.scheme);
  if (authority.has_port()) {
    const std::string_view digits = authority.port();
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
      return "bad port";
    }
    out.port = static_cast<unsigned short>(port);
  }
  return "";
}

// A URL made of a scheme and an authority only (an Origin, a Host header read for a scheme).
std::optional<Url> scheme_and_authority(std::string_view scheme, const urls::authority_view& authority) {
  Url url;
  url.scheme = lower(scheme);
  url.target = "/";
  if (!read_authority(authority, url).empty()) return std::nullopt;
  return url;
}

// "https://", "ws:// or wss://", "http://, ws:// or wss://".
std::string scheme_list(std::initializer_list<std::string_view> schemes) {
  std::string out;
  std::size_t i = 0;
  for (const std::string_view scheme : schemes) {
    if (i > 0) out += i + 1 == schemes.size() ? " or " : ", ";
    out.append(scheme).append("://");
    ++i;
  }
  return out;
}

}  // namespace

unsigned short default_port(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return 80;
  if (scheme == "https" || scheme == "wss") return 443;
  return 0;
}

std::string Url::authority() const {
  std::string out = ipv6 ? "[" + host + "]" : host;
  if (port != default_port(scheme)) out += ":" + std::to_string(port);
  return out;
}

std::string Url::origin() const { return scheme + "://" + authority(); }

std::string Url::redacted() const {
  if (target.size() <= kLoggedPathChars) return authority() + target;
  return authority() + target.substr(0, kLoggedPathChars) + "…";
}

UrlResult parse_url(std::string_view text, std::initializer_list<std::string_view> schemes,
                    std::string_view empty_path) {
  const auto refuse = [&](std::string_view reason) {
    std::string error = "not a " + scheme_list(schemes) + " URL: " + std::string(text);
    if (!reason.empty()) error.append(" (").append(reason).append(")");
    return UrlResult{std::nullopt, std::move(error)};
  };
  const auto parsed = urls::parse_uri(text);
  if (!parsed) return refuse("");
  Url url;
  url.scheme = lower(parsed->scheme());
  if (std::find(schemes.begin(), schemes.end(), url.scheme) == schemes.end()) return refuse("");
  if (!parsed->has_authority()) return refuse("no host");
  if (const std::string why = read_authority(parsed->authority(), url); !why.empty()) return refuse(why);
  // Boost.URL 1.81 reads "h:44x/x" as port 44 and path "x/x"; after an authority the grammar allows
  // only an empty path or one starting with '/'.
  if (!parsed->encoded_path().empty() && parsed->encoded_path().front() != '/') return refuse("bad port");
  if (parsed->encoded_path().empty()) {
    url.target = empty_path;
    if (parsed->has_query()) url.target.append("?").append(parsed->encoded_query());
  } else {
    url.target = parsed->encoded_target();
  }
  return UrlResult{std::move(url), ""};
}

std::optional<Url> parse_origin(std::string_view origin) {
  while (!origin.empty() && origin.back() == '/') origin.remove_suffix(1);
  const auto parsed = urls::parse_uri(origin);
  if (!parsed || !parsed->has_authority() || !parsed->encoded_path().empty() || parsed->has_query() ||
      parsed->has_fragment()) {
    return std::nullopt;
  }
  return scheme_and_authority(parsed->scheme(), parsed->authority());
}

std::optional<Url> parse_host_header(std::string_view host, std::string_view scheme) {
  const auto parsed = urls::parse_authority(host);
  if (!parsed) return std::nullopt;
  return scheme_and_authority(scheme, *parsed);
}

}  // namespace qabot::server
