#include "server/http_router.hpp"

#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

namespace qabot::server {
namespace {

using nlohmann::json;

void set_common_headers(Response& res, std::string_view content_type, std::string_view cache_control) {
  res.set(http::field::server, "qabot");
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, cache_control);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Content-Security-Policy", kContentSecurityPolicy);
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Frame-Options", "DENY");
}

Response make_response(const Request& req, http::status status, std::string_view content_type, std::string body,
                       std::string_view cache_control = "no-store") {
  Response res{status, req.version()};
  set_common_headers(res, content_type, cache_control);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();  // Content-Length stays that of the GET
  return res;
}

Response json_response(const Request& req, const json& body, http::status status = http::status::ok) {
  return make_response(req, status, "application/json; charset=utf-8", dump_json(body));
}

Response method_not_allowed(const Request& req, std::string_view allow) {
  Response res = HttpRouter::error_response(http::status::method_not_allowed, ErrorCode::BadRequest,
                                            "method not allowed", req.version(), req.keep_alive());
  res.set(http::field::allow, allow);
  return res;
}

bool is_get_or_head(const Request& req) {
  return req.method() == http::verb::get || req.method() == http::verb::head;
}

}  // namespace

std::string_view target_path(std::string_view target) {
  const auto q = target.find_first_of("?#");
  return q == std::string_view::npos ? target : target.substr(0, q);
}

HttpRouter::HttpRouter(RouterContext context) : context_(std::move(context)) {}

Response HttpRouter::error_response(http::status status, ErrorCode code, std::string_view message, unsigned version,
                                    bool keep_alive) {
  Response res{status, version};
  set_common_headers(res, "application/json; charset=utf-8", "no-store");
  res.keep_alive(keep_alive);
  res.body() = make_error(std::nullopt, code, message);
  res.prepare_payload();
  return res;
}

bool HttpRouter::needs_engine(const Request& req) const {
  const auto path = target_path(req.target());
  return (path == "/api/ask" && req.method() == http::verb::post) || (path == "/api/questions" && is_get_or_head(req));
}

Response HttpRouter::handle(const Request& req, AnswerEngine* engine) const {
  const std::string_view path = target_path(req.target());

  if (path == "/api/ask") {
    if (req.method() != http::verb::post) return method_not_allowed(req, "POST");
    if (!engine) return error_response(http::status::internal_server_error, ErrorCode::Internal, "no engine",
                                       req.version(), req.keep_alive());
    return answer(req, *engine);
  }
  if (path == "/api/questions") {
    if (!is_get_or_head(req)) return method_not_allowed(req, "GET, HEAD");
    if (!engine) return error_response(http::status::internal_server_error, ErrorCode::Internal, "no engine",
                                       req.version(), req.keep_alive());
    try {
      return json_response(req, engine->questions_by_category());
    } catch (const std::exception& e) {
      spdlog::error("GET /api/questions failed: {}", e.what());
      return error_response(http::status::internal_server_error, ErrorCode::Internal, "could not list questions",
                            req.version(), req.keep_alive());
    }
  }
  if (path == "/healthz") {
    if (!is_get_or_head(req)) return method_not_allowed(req, "GET, HEAD");
    return json_response(req, {{"status", "ok"}, {"questions", context_.question_count ? context_.question_count() : 0}});
  }
  if (path == "/metrics") {
    if (!is_get_or_head(req)) return method_not_allowed(req, "GET, HEAD");
    return make_response(req, http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                         context_.metrics_text ? context_.metrics_text() : std::string());
  }
  if (path == "/ws") {
    // A WebSocket upgrade never reaches the router; a plain request to /ws gets told what to do.
    if (!is_get_or_head(req)) return method_not_allowed(req, "GET");
    Response res = error_response(http::status::upgrade_required, ErrorCode::BadRequest,
                                  "GET /ws must be a WebSocket upgrade", req.version(), req.keep_alive());
    res.set(http::field::upgrade, "websocket");
    return res;
  }

  const StaticAsset* asset = nullptr;
  if (context_.find_asset) asset = context_.find_asset(path == "/" ? std::string_view("/index.html") : path);
  if (asset == nullptr) {
    return error_response(http::status::not_found, ErrorCode::BadRequest, "not found", req.version(), req.keep_alive());
  }
  if (!is_get_or_head(req)) return method_not_allowed(req, "GET, HEAD");
  // Assets are not fingerprinted: let caches keep them but revalidate, so a new build shows at once.
  return make_response(req, http::status::ok, asset->content_type, std::string(asset->body), "no-cache");
}

Response HttpRouter::answer(const Request& req, AnswerEngine& engine) const {
  json body = json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    return error_response(http::status::bad_request, ErrorCode::BadJson, "body is not valid JSON", req.version(),
                          req.keep_alive());
  }
  if (!body.is_object()) {
    return error_response(http::status::bad_request, ErrorCode::BadRequest, "body must be a JSON object",
                          req.version(), req.keep_alive());
  }
  AskRequest ask;
  if (auto err = read_ask_fields(body, context_.limits, ask)) {
    const auto status = err->code == ErrorCode::TooLarge ? http::status::payload_too_large : http::status::bad_request;
    return error_response(status, err->code, err->message, req.version(), req.keep_alive());
  }
  try {
    AskOutcome out = engine.ask(ask.text, ask.top_k);
    return json_response(req, {{"matched", out.matched},
                               {"hits", std::move(out.hits)},
                               {"answer", std::move(out.markdown)},
                               {"html", std::move(out.html)},
                               {"clarify", out.clarify},
                               {"corrections", std::move(out.corrections)}});
  } catch (const std::exception& e) {
    spdlog::error("POST /api/ask failed: {}", e.what());
    return error_response(http::status::internal_server_error, ErrorCode::Internal, "could not answer",
                          req.version(), req.keep_alive());
  }
}

}  // namespace qabot::server
