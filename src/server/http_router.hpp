#pragma once
// Plain HTTP requests (everything but the WebSocket upgrade) → responses, without sockets. Requests
// that need retrieval (POST /api/ask, GET /api/questions) are answered with an AnswerEngine and so are
// run on a worker by http_session; everything else is cheap and answered on the io thread.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "server/answer_engine.hpp"
#include "server/net.hpp"
#include "server/protocol.hpp"
#include "server/static_assets.hpp"

namespace qabot::server {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: http: https:";

struct RouterContext {
  std::function<std::int64_t()> question_count;
  std::function<std::string()> metrics_text;
  std::function<const StaticAsset*(std::string_view)> find_asset = &server::find_asset;
  ProtocolLimits limits;
};

class HttpRouter {
 public:
  explicit HttpRouter(RouterContext context);

  // True when handle() must be given an engine.
  bool needs_engine(const Request& req) const;

  // `engine` may be null when needs_engine(req) is false. Never throws: an engine failure becomes a
  // 500 with an "internal" error. The response's keep-alive follows the request.
  Response handle(const Request& req, AnswerEngine* engine) const;

  // Common headers (nosniff, CSP, cache) and a JSON error body {"type":"error","id":null,"code","message"}.
  static Response error_response(http::status status, ErrorCode code, std::string_view message, unsigned version,
                                 bool keep_alive);

 private:
  Response answer(const Request& req, AnswerEngine& engine) const;

  RouterContext context_;
};

// The path part of a request target ("/a?b" → "/a"); no percent-decoding: paths are compared
// byte for byte with the known routes, so "%2e%2e" and "/../" simply match nothing.
std::string_view target_path(std::string_view target);

}  // namespace qabot::server
