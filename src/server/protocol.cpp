#include "server/protocol.hpp"

#include <type_traits>

#include "answer/answerer.hpp"
#include "qabot/version.hpp"
#include "text/utf8.hpp"

namespace qabot::server {
namespace {

using nlohmann::json;

json id_json(const std::optional<std::string>& id) { return id ? json(*id) : json(nullptr); }

// An optional "user": absent or null leaves `out` empty; otherwise a string, not blank, at most
// max_id_chars code points. Returns the error message when it is not.
std::optional<std::string> read_user(const json& msg, const ProtocolLimits& limits, std::optional<std::string>& out) {
  const auto it = msg.find("user");
  if (it == msg.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return std::string("\"user\" must be a string");
  const auto& s = it->get_ref<const std::string&>();
  if (is_blank(s)) return std::string("\"user\" is blank");
  if (text::utf8_length(s) > limits.max_id_chars) {
    return "\"user\" is longer than " + std::to_string(limits.max_id_chars) + " characters";
  }
  out = s;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> message_id(const ClientMessage& message) {
  return std::visit(
      [](const auto& m) -> std::optional<std::string> {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, PingRequest>) {
          return std::nullopt;
        } else {
          return m.id;
        }
      },
      message);
}

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::BadJson: return "bad_json";
    case ErrorCode::BadRequest: return "bad_request";
    case ErrorCode::TooLarge: return "too_large";
    case ErrorCode::RateLimited: return "rate_limited";
    case ErrorCode::Overloaded: return "overloaded";
    case ErrorCode::Internal: return "internal";
    case ErrorCode::NoQuiz: return "no_quiz";
    case ErrorCode::StateUnavailable: return "state_unavailable";
  }
  return "internal";
}

bool is_blank(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
    } else if (text.substr(i, 3) == "\xE3\x80\x80") {  // U+3000, common in Chinese input
      i += 3;
    } else {
      return false;
    }
  }
  return true;
}

std::optional<ProtocolError> read_ask_fields(const json& object, const ProtocolLimits& limits, AskRequest& out) {
  const auto text = object.find("text");
  if (text == object.end() || text->is_null()) return ProtocolError{ErrorCode::BadRequest, "\"text\" is required", {}};
  if (!text->is_string()) return ProtocolError{ErrorCode::BadRequest, "\"text\" must be a string", {}};
  const auto& s = text->get_ref<const std::string&>();
  if (is_blank(s)) return ProtocolError{ErrorCode::BadRequest, "\"text\" is blank", {}};
  if (s.size() > limits.max_text_bytes) {
    return ProtocolError{
        ErrorCode::TooLarge, "\"text\" is longer than " + std::to_string(limits.max_text_bytes) + " bytes", {}};
  }
  out.text = s;

  out.top_k = limits.default_top_k;
  if (const auto k = object.find("top_k"); k != object.end() && !k->is_null()) {
    if (!k->is_number_integer()) return ProtocolError{ErrorCode::BadRequest, "\"top_k\" must be an integer", {}};
    const auto v = k->get<std::int64_t>();
    if (v < limits.min_top_k || v > limits.max_top_k) {
      return ProtocolError{
          ErrorCode::BadRequest,
          "\"top_k\" must be between " + std::to_string(limits.min_top_k) + " and " + std::to_string(limits.max_top_k),
          {}};
    }
    out.top_k = static_cast<int>(v);
  }
  if (const auto session = object.find("session"); session != object.end() && !session->is_null()) {
    if (!session->is_string()) return ProtocolError{ErrorCode::BadRequest, "\"session\" must be a string", {}};
    const auto& key = session->get_ref<const std::string&>();
    if (text::utf8_length(key) > limits.max_id_chars) {
      return ProtocolError{ErrorCode::BadRequest,
                           "\"session\" is longer than " + std::to_string(limits.max_id_chars) + " characters",
                           {}};
    }
    out.session = key;
  }
  return std::nullopt;
}

ClientMessage parse_client_message(std::string_view frame, const ProtocolLimits& limits) {
  json msg = json::parse(frame, nullptr, /*allow_exceptions=*/false);
  if (msg.is_discarded()) return ProtocolError{ErrorCode::BadJson, "frame is not valid JSON", {}};
  if (!msg.is_object()) return ProtocolError{ErrorCode::BadRequest, "frame must be a JSON object", {}};

  // The id is read first so that every later error can carry it.
  std::optional<std::string> id;
  if (const auto it = msg.find("id"); it != msg.end() && !it->is_null()) {
    if (!it->is_string()) return ProtocolError{ErrorCode::BadRequest, "\"id\" must be a string", {}};
    id = it->get<std::string>();
    if (text::utf8_length(*id) > limits.max_id_chars) {
      return ProtocolError{
          ErrorCode::BadRequest, "\"id\" is longer than " + std::to_string(limits.max_id_chars) + " characters", {}};
    }
  }
  auto fail = [&id](ErrorCode code, std::string message) -> ClientMessage {
    return ProtocolError{code, std::move(message), id};
  };

  const auto type = msg.find("type");
  if (type == msg.end()) return fail(ErrorCode::BadRequest, "\"type\" is required");
  if (!type->is_string()) return fail(ErrorCode::BadRequest, "\"type\" must be a string");
  const auto& t = type->get_ref<const std::string&>();

  if (t == "ask") {
    AskRequest ask;
    ask.id = id;
    if (auto err = read_ask_fields(msg, limits, ask)) {
      err->id = id;
      return *err;
    }
    if (const auto s = msg.find("stream"); s != msg.end() && !s->is_null()) {
      if (!s->is_boolean()) return fail(ErrorCode::BadRequest, "\"stream\" must be a boolean");
      ask.stream = s->get<bool>();
    }
    if (auto err = read_user(msg, limits, ask.user)) return fail(ErrorCode::BadRequest, *err);
    return ask;
  }
  if (t == "cancel") {
    if (!id) return fail(ErrorCode::BadRequest, "\"cancel\" needs the \"id\" of an ask");
    return CancelRequest{*id};
  }
  if (t == "ping") return PingRequest{};
  if (t == "quiz" || t == "quiz_answer" || t == "progress") {
    std::optional<std::string> user;
    if (auto err = read_user(msg, limits, user)) return fail(ErrorCode::BadRequest, *err);
    if (t == "progress") return ProgressRequest{id, std::move(user)};
    if (t == "quiz") {
      QuizRequest quiz{id, std::move(user), {}};
      if (const auto c = msg.find("category"); c != msg.end() && !c->is_null()) {
        if (!c->is_string()) return fail(ErrorCode::BadRequest, "\"category\" must be a string");
        const auto& category = c->get_ref<const std::string&>();
        if (category.size() > limits.max_text_bytes) {
          return fail(ErrorCode::TooLarge,
                      "\"category\" is longer than " + std::to_string(limits.max_text_bytes) + " bytes");
        }
        if (!is_blank(category)) quiz.category = category;
      }
      return quiz;
    }
    // A quiz answer's text is read like an ask's: same limits, same messages.
    AskRequest fields;
    if (auto err = read_ask_fields(msg, limits, fields)) {
      err->id = id;
      return *err;
    }
    QuizAnswerRequest answer{id, std::move(user), std::move(fields.text), {}};
    if (const auto q = msg.find("question"); q != msg.end() && !q->is_null()) {
      if (!q->is_number_integer()) return fail(ErrorCode::BadRequest, "\"question\" must be an integer (question.id)");
      answer.question = q->get<std::int64_t>();
    }
    return answer;
  }
  return fail(ErrorCode::BadRequest, "unknown message type \"" + t.substr(0, 64) + "\"");
}

std::string dump_json(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string make_hello(std::int64_t questions) {
  return dump_json(
      {{"type", "hello"}, {"protocol", kProtocolVersion}, {"questions", questions}, {"version", kVersion}});
}

std::string make_result(const std::optional<std::string>& id, const retrieval::Result& result) {
  // Written piece by piece rather than through a json object: putting the hits into an object deep-copies
  // them (every string, every node); dropping that copy halved this function's share of server CPU on the
  // io threads (perf under bench/run.sh). Keys in nlohmann's (sorted) order, so the bytes are unchanged.
  std::string out = "{";
  if (result.clarify) out += R"("choices":)" + std::to_string(result.choices) + ",";
  out += R"("clarify":)";
  out += result.clarify ? "true" : "false";
  out += R"(,"corrections":)";
  out += dump_json(answer::corrections_json(result));
  if (result.followup) out += R"(,"followup":)" + dump_json(answer::followup_json(*result.followup));
  out += R"(,"hits":)";
  out += dump_json(answer::hits_json(result));
  out += R"(,"id":)";
  out += id ? dump_json(*id) : "null";
  out += R"(,"matched":)";
  out += result.matched ? "true" : "false";
  out += R"(,"type":"result"})";
  return out;
}

std::string make_delta(const std::optional<std::string>& id, std::string_view text) {
  return dump_json({{"type", "delta"}, {"id", id_json(id)}, {"text", text}});
}

std::string make_done(const std::optional<std::string>& id, std::string_view answer, std::string_view html,
                      bool cancelled) {
  json j = {{"type", "done"}, {"id", id_json(id)}, {"answer", answer}, {"html", html}};
  if (cancelled) j["cancelled"] = true;
  return dump_json(j);
}

std::string make_error(const std::optional<std::string>& id, ErrorCode code, std::string_view message) {
  return dump_json({{"type", "error"}, {"id", id_json(id)}, {"code", to_string(code)}, {"message", message}});
}

std::string make_pong() { return R"({"type":"pong"})"; }

}  // namespace qabot::server

namespace qabot::server {

json quiz_question_json(std::int64_t id, std::string_view question, std::string_view category,
                        std::string_view source) {
  return {{"id", id}, {"question", question}, {"category", category}, {"source", source}};
}

std::string make_quiz_question(const std::optional<std::string>& id, const json& question, int box, std::int64_t due,
                               std::int64_t fresh) {
  return dump_json({{"type", "quiz_question"},
                    {"id", id_json(id)},
                    {"question", question},
                    {"box", box},
                    {"due", due},
                    {"new", fresh}});
}

std::string make_quiz_result(const std::optional<std::string>& id, const json& question, double score, bool passed,
                             const std::vector<std::string>& hit, const std::vector<std::string>& missed,
                             std::string_view markdown, std::string_view html, int box, std::int64_t next_due) {
  return dump_json({{"type", "quiz_result"},
                    {"id", id_json(id)},
                    {"question", question},
                    {"score", score},
                    {"passed", passed},
                    {"hit", hit},
                    {"missed", missed},
                    {"answer", {{"markdown", markdown}, {"html", html}}},
                    {"box", box},
                    {"next_due", next_due}});
}

std::string make_progress(const std::optional<std::string>& id, std::int64_t total, std::int64_t seen, std::int64_t due,
                          const std::vector<std::int64_t>& boxes, std::int64_t reviews, std::int64_t correct) {
  return dump_json({{"type", "progress"},
                    {"id", id_json(id)},
                    {"total", total},
                    {"seen", seen},
                    {"due", due},
                    {"boxes", boxes},
                    {"reviews", reviews},
                    {"correct", correct}});
}

}  // namespace qabot::server
