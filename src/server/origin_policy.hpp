#pragma once
// Who may open a WebSocket from a browser. Browsers always send Origin on a WebSocket upgrade, so a
// request without one comes from a non-browser client (curl, a relay, `qabot chat`) and is allowed;
// a browser page may connect when it was served by this server (Origin's host:port equals Host)
// or its origin is listed with --allow-origin ("*" allows every origin).

#include <string>
#include <string_view>
#include <vector>

namespace qabot::server {

class OriginPolicy {
 public:
  explicit OriginPolicy(std::vector<std::string> allowed = {});

  // `origin` is nullptr when the request has no Origin header.
  bool allows(const std::string_view* origin, std::string_view host_header) const;

 private:
  std::vector<std::string> allowed_;  // normalised: lower case, no trailing slash
  bool any_ = false;
};

// "http://Example.com:80/" → "http://example.com"; returns "" for something that is not an origin
// (parse_origin in server/url.hpp).
std::string normalize_origin(std::string_view origin);

}  // namespace qabot::server
