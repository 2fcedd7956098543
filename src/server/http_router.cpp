#include "server/http_router.hpp"

#include <ctime>
#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

#include "answer/answerer.hpp"
#include "ingest/note_image.hpp"
#include "server/note_request.hpp"
#include "store/note_files.hpp"

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

bool is_get_or_head(const Request& req) { return req.method() == http::verb::get || req.method() == http::verb::head; }

constexpr std::string_view kSlackCommandPath = "/integrations/slack/command";
constexpr std::string_view kSlackInteractivePath = "/integrations/slack/interactive";
constexpr std::string_view kDiscordPath = "/integrations/discord/interactions";

// The engine's outcome as the answer type the integrations build messages from.
// Note images may be cached by the browser for an hour, then revalidated (ETag, Last-Modified).
constexpr std::string_view kNoteImageCacheControl = "public, max-age=3600";
// An image is never a document: nothing in one may run or load anything, even opened on its own.
constexpr std::string_view kNoteImagePolicy = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

std::string http_date(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buffer;
}

// RFC 9110 §13.1.2: If-None-Match is "*" or a list of entity tags, compared weakly.
bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match.find('*') != std::string_view::npos) return true;
  for (std::size_t start = 0; start < if_none_match.size();) {
    std::size_t end = if_none_match.find(',', start);
    if (end == std::string_view::npos) end = if_none_match.size();
    std::string_view tag = if_none_match.substr(start, end - start);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

bool is_integration_path(std::string_view path) {
  return path == kSlackCommandPath || path == kSlackInteractivePath || path == kDiscordPath;
}

std::string_view target_path(std::string_view target) {
  const auto q = target.find_first_of("?#");
  return q == std::string_view::npos ? target : target.substr(0, q);
}

bool has_ambiguous_length(const http::fields& fields) {
  if (fields.count(http::field::content_length) > 1) return true;
  const auto it = fields.find(http::field::content_length);
  return it != fields.end() && it->value().find(',') != std::string_view::npos;
}

bool is_valid_websocket_key(std::string_view key) {
  if (key.size() != 24 || !key.ends_with("==")) return false;
  // The last data character carries only 2 bits of the 16th byte: its low 4 bits must be zero.
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < 22; ++i) {
    const auto pos = kAlphabet.find(key[i]);
    if (pos == std::string_view::npos) return false;
    if (i == 21 && (pos & 0x0F) != 0) return false;
  }
  return true;
}

HttpRouter::HttpRouter(RouterContext context) : context_(std::move(context)) {
  if (!context_.asks) context_.asks = std::make_shared<AskService>(nullptr, nullptr, nullptr, nullptr);
}

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
  // Note images are read from disk: on a worker, never on an io thread.
  if (path.starts_with(ingest::NoteImage::kRoutePrefix)) return is_get_or_head(req);
  if (req.method() == http::verb::post && is_integration_path(path)) {
    return path == kDiscordPath ? context_.discord != nullptr : context_.slack != nullptr;
  }
  return (path == "/api/ask" && req.method() == http::verb::post) ||
         ((path == "/api/questions" || path == "/api/report") && is_get_or_head(req));
}

Response HttpRouter::handle(const Request& req, AnswerEngine* engine) const {
  const std::string_view path = target_path(req.target());

  if (is_integration_path(path)) return integration(req, engine, path);
  if (path == "/api/ask") {
    if (req.method() != http::verb::post) return method_not_allowed(req, "POST");
    if (!engine)
      return error_response(http::status::internal_server_error, ErrorCode::Internal, "no engine", req.version(),
                            req.keep_alive());
    return answer(req, *engine);
  }
  if (path == "/api/questions") {
    if (!is_get_or_head(req)) return method_not_allowed(req, "GET, HEAD");
    if (!engine)
      return error_response(http::status::internal_server_error, ErrorCode::Internal, "no engine", req.version(),
                            req.keep_alive());
    try {
      return json_response(req, engine->questions_by_category());
    } catch (const std::exception& e) {
      spdlog::error("GET /api/questions failed: {}", e.what());
      return error_response(http::status::internal_server_error, ErrorCode::Internal, "could not list questions",
                            req.version(), req.keep_alive());
    }
  }
  if (path == "/api/report") {
    if (!is_get_or_head(req)) return method_not_allowed(req, "GET, HEAD");
    if (!engine)
      return error_response(http::status::internal_server_error, ErrorCode::Internal, "no engine", req.version(),
                            req.keep_alive());
    const auto report = engine->coverage_report();
    if (!report)
      return error_response(http::status::not_found, ErrorCode::BadRequest,
                            "this index has no coverage report: rebuild it with `qabot index`", req.version(),
                            req.keep_alive());
    return make_response(req, http::status::ok, "application/json; charset=utf-8", *report);
  }
  if (path.starts_with(ingest::NoteImage::kRoutePrefix)) return note_image(req, engine, path);
  if (path == "/healthz") {
    if (!is_get_or_head(req)) return method_not_allowed(req, "GET, HEAD");
    return json_response(req,
                         {{"status", "ok"}, {"questions", context_.question_count ? context_.question_count() : 0}});
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
  // Assets are not fingerprinted in their URLs: caches keep them but revalidate, so a new build shows
  // at once, and an unchanged one (KaTeX's 2 MB of fonts and scripts) costs a 304.
  if (req.count(http::field::if_none_match) && etag_matches(req[http::field::if_none_match], asset->etag)) {
    Response res = make_response(req, http::status::not_modified, asset->content_type, "", "no-cache");
    res.erase(http::field::content_length);  // a 304 has no body and describes none
    res.erase(http::field::content_type);
    res.set(http::field::etag, asset->etag);
    return res;
  }
  Response res = make_response(req, http::status::ok, asset->content_type, std::string(asset->body), "no-cache");
  res.set(http::field::etag, asset->etag);
  return res;
}

Response HttpRouter::note_image(const Request& req, const AnswerEngine* engine, std::string_view path) const {
  if (!is_get_or_head(req)) return method_not_allowed(req, "GET, HEAD");
  // Every refusal is the same 404 as an unknown path: a client learns nothing of what exists.
  const auto not_found = [&] {
    return error_response(http::status::not_found, ErrorCode::BadRequest, "not found", req.version(), req.keep_alive());
  };
  const auto name = NoteRequest::name_of(path);
  const store::NoteFiles* files = engine ? engine->note_files() : nullptr;
  if (!name || !files) return not_found();
  auto opened = files->open(*name);
  if (const auto* why = std::get_if<std::string>(&opened)) {
    spdlog::debug("GET {}: refused: {}", path, *why);
    return not_found();
  }
  auto& file = std::get<store::NoteFile>(opened);
  const std::string modified = http_date(file.modified);
  const auto header = [&req](http::field f) { return std::string_view(req[f]); };
  const bool fresh = req.count(http::field::if_none_match) ? etag_matches(header(http::field::if_none_match), file.etag)
                                                           : header(http::field::if_modified_since) == modified;
  Response res =
      fresh ? make_response(req, http::status::not_modified, file.content_type, "", kNoteImageCacheControl)
            : make_response(req, http::status::ok, file.content_type, std::move(file.body), kNoteImageCacheControl);
  if (fresh) {
    res.erase(http::field::content_length);  // a 304 has no body and describes none
    res.erase(http::field::content_type);
  }
  res.set("Content-Security-Policy", kNoteImagePolicy);
  res.set(http::field::etag, file.etag);
  res.set(http::field::last_modified, modified);
  return res;
}

Response HttpRouter::answer(const Request& req, AnswerEngine& engine) const {
  json body = json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    return error_response(http::status::bad_request, ErrorCode::BadJson, "body is not valid JSON", req.version(),
                          req.keep_alive());
  }
  if (!body.is_object()) {
    return error_response(http::status::bad_request, ErrorCode::BadRequest, "body must be a JSON object", req.version(),
                          req.keep_alive());
  }
  AskRequest ask;
  if (auto err = read_ask_fields(body, context_.limits, ask)) {
    const auto status = err->code == ErrorCode::TooLarge ? http::status::payload_too_large : http::status::bad_request;
    return error_response(status, err->code, err->message, req.version(), req.keep_alive());
  }
  // With a "session", the ask is read against that session's earlier ones (follow-ups).
  AskCall call;
  call.channel = Channel::Http;
  call.text = std::move(ask.text);
  call.top_k = ask.top_k;
  if (ask.session && context_.conversations) {
    call.conversations = context_.conversations.get();
    call.conversation_key = "api:" + *ask.session;
  }
  AskReply reply = context_.asks->ask(engine, call);
  auto* outcome = std::get_if<AskOutcome>(&reply);
  if (!outcome) {  // AskFailed (no quiz_user: never a quiz reply)
    return error_response(http::status::internal_server_error, ErrorCode::Internal, "could not answer", req.version(),
                          req.keep_alive());
  }
  const retrieval::Result& r = outcome->answer.result;
  json out = {{"matched", r.matched},
              {"hits", answer::hits_json(r)},
              {"answer", std::move(outcome->answer.markdown)},
              {"html", std::move(outcome->answer.html)},
              {"clarify", r.clarify},
              {"corrections", answer::corrections_json(r)}};
  if (r.clarify) out["choices"] = r.choices;
  if (r.followup) out["followup"] = answer::followup_json(*r.followup);
  return json_response(req, out);
}

Response HttpRouter::integration(const Request& req, AnswerEngine* engine, std::string_view path) const {
  const bool on = path == kDiscordPath ? context_.discord != nullptr : context_.slack != nullptr;
  if (!on) {
    return error_response(http::status::not_found, ErrorCode::BadRequest, "not found", req.version(), req.keep_alive());
  }
  if (req.method() != http::verb::post) return method_not_allowed(req, "POST");
  if (!engine) {
    return error_response(http::status::internal_server_error, ErrorCode::Internal, "no engine", req.version(),
                          req.keep_alive());
  }
  const auto header = [&req](std::string_view name) {
    const auto it = req.find(name);
    return it == req.end() ? std::string_view() : std::string_view(it->value());
  };
  const Channel channel = path == kDiscordPath ? Channel::Discord : Channel::Slack;
  const integrations::AskFunction ask = [this, engine, channel](std::string_view question, int top_k,
                                                                std::string_view session) {
    AskCall call;
    call.channel = channel;
    call.text = std::string(question);
    call.top_k = top_k;
    if (context_.conversations && !session.empty()) {
      call.conversations = context_.conversations.get();
      call.conversation_key = "chat:" + std::string(session);
    }
    AskReply reply = context_.asks->ask(*engine, call);
    auto* outcome = std::get_if<AskOutcome>(&reply);
    if (!outcome) throw std::runtime_error("could not answer");  // the endpoint's caller answers 500
    return std::move(outcome->answer);
  };
  integrations::QuizFunction quiz;
  if (context_.quiz) {
    quiz = [this, engine](const integrations::QuizCommand& command) { return context_.quiz->chat(engine, command); };
  }
  integrations::WebhookResponse out;
  try {
    if (path == kDiscordPath) {
      out = context_.discord->interactions({req.body(), header("X-Signature-Timestamp"), header("X-Signature-Ed25519")},
                                           ask, quiz);
    } else {
      const integrations::WebhookRequest webhook{req.body(), header("X-Slack-Request-Timestamp"),
                                                 header("X-Slack-Signature")};
      out = path == kSlackCommandPath ? context_.slack->command(webhook, ask, quiz)
                                      : context_.slack->interactive(webhook, ask);
    }
  } catch (const std::exception& e) {
    spdlog::error("POST {} failed: {}", path, e.what());
    return error_response(http::status::internal_server_error, ErrorCode::Internal, "could not answer", req.version(),
                          req.keep_alive());
  }
  if (out.status != 200) {
    // The reason names the check that failed, never a secret or a signature.
    if (out.status == 401) {
      spdlog::warn("POST {}: refused: {}", path, out.message);
      if (context_.metrics) context_.metrics->signature_failure(channel);
    } else spdlog::info("POST {}: {} {}", path, out.status, out.message);
    return error_response(static_cast<http::status>(out.status), ErrorCode::BadRequest, out.message, req.version(),
                          req.keep_alive());
  }
  if (!out.message.empty()) spdlog::info("POST {}: {}", path, out.message);
  if (out.follow_up) {
    if (context_.slack_follow_up) context_.slack_follow_up(std::move(*out.follow_up));
    else spdlog::warn("POST {}: no transport for Slack follow-ups: the answer to a button click is dropped", path);
  }
  if (out.json.empty()) return make_response(req, http::status::ok, "text/plain; charset=utf-8", "");
  return make_response(req, http::status::ok, "application/json; charset=utf-8", std::move(out.json));
}

}  // namespace qabot::server
