#pragma once
// Plain HTTP requests (everything but the WebSocket upgrade) → responses, without sockets. Requests
// that need retrieval (POST /api/ask, GET /api/questions) are answered with an AnswerEngine and so are
// run on a worker by http_session; everything else is cheap and answered on the io thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "integrations/discord_endpoint.hpp"
#include "integrations/slack_endpoint.hpp"
#include "server/answer_engine.hpp"
#include "server/ask_service.hpp"
#include "server/conversation_store.hpp"
#include "server/metrics.hpp"
#include "server/net.hpp"
#include "server/protocol.hpp"
#include "server/quiz_service.hpp"
#include "server/static_assets.hpp"

namespace qabot::server {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: http: https:";

struct RouterContext {
  std::function<std::int64_t()> question_count;
  std::function<std::string()> metrics_text;
  // Where refused signatures of the chat integrations are counted; null: not counted.
  Metrics* metrics = nullptr;
  std::function<const StaticAsset*(std::string_view)> find_asset = &server::find_asset;
  ProtocolLimits limits;
  // Chat integrations; null when off (their routes answer 404).
  std::shared_ptr<const integrations::SlackEndpoint> slack;
  std::shared_ptr<const integrations::DiscordEndpoint> discord;
  std::function<void(integrations::FollowUp)> slack_follow_up;
  // Follow-up context of POST /api/ask sessions and chat-integration users; null: none kept.
  std::shared_ptr<ConversationStore> conversations;
  // Answers POST /api/ask and the chat integrations' questions (counted, gaps logged); null: a
  // service that counts and logs nothing (tests of the routes alone).
  std::shared_ptr<const AskService> asks;
  // Slack `/quiz` and the Discord `quiz` command; null: they answer that quizzes are off.
  std::shared_ptr<const QuizService> quiz;
};

// POST routes of the chat integrations: verified against the raw body, answered on a worker.
bool is_integration_path(std::string_view path);

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
  Response integration(const Request& req, AnswerEngine* engine, std::string_view path) const;
  Response note_image(const Request& req, const AnswerEngine* engine, std::string_view path) const;

  RouterContext context_;
};

// The path part of a request target ("/a?b" → "/a"); no percent-decoding: paths are compared
// byte for byte with the known routes, so "%2e%2e" and "/../" simply match nothing.
std::string_view target_path(std::string_view target);

// Request smuggling: Beast refuses conflicting lengths and chunked + Content-Length, but accepts
// repeated identical Content-Length fields and lists ("5, 5"), as RFC 9112 §6.3 allows. A proxy in
// front may count differently, so anything but exactly one plain length is refused: true here.
bool has_ambiguous_length(const http::fields& fields);

// RFC 6455 §4.2.1: the key is 16 random bytes in base64 (24 characters ending in "=="). Beast only
// checks that it is present and not longer than 24 characters.
bool is_valid_websocket_key(std::string_view key);

}  // namespace qabot::server
