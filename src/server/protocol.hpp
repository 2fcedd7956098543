#pragma once
// Protocol v1 (docs/protocol.md) without I/O: one text frame in → a parsed request or an error value;
// reply builders → the exact JSON text of one frame.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "retrieval/result.hpp"

namespace qabot::server {

inline constexpr int kProtocolVersion = 1;

// NoQuiz: a quiz_answer with no question pending. StateUnavailable: the state store (quiz progress,
// pending questions) failed for that one request; asks are not affected.
enum class ErrorCode { BadJson, BadRequest, TooLarge, RateLimited, Overloaded, Internal, NoQuiz, StateUnavailable };

std::string_view to_string(ErrorCode code);

struct ProtocolLimits {
  std::size_t max_id_chars = 128;     // code points
  std::size_t max_text_bytes = 4096;  // longer questions are refused with too_large
  int min_top_k = 1;
  int max_top_k = 10;
  int default_top_k = 3;
};

struct AskRequest {
  std::optional<std::string> id;
  std::string text;
  int top_k = 3;
  bool stream = true;
  // A relay's conversation key (≤ max_id_chars): asks with the same session share follow-up
  // context, each apart from the connection's own and from other sessions. Absent: the connection's.
  std::optional<std::string> session;
  // Whose quiz an ask that is a quiz request ("考考我", "quiz me on python") starts; absent: the
  // connection's own id.
  std::optional<std::string> user;
};

// {"type":"quiz"}: the next question for `user`, optionally within a category. In the quiz
// messages an absent `user` means the connection's own (see WebSocketSession).
struct QuizRequest {
  std::optional<std::string> id;
  std::optional<std::string> user;
  std::string category;  // "" = any
};

// {"type":"quiz_answer"}: the user's reply to the pending question.
struct QuizAnswerRequest {
  std::optional<std::string> id;
  std::optional<std::string> user;
  std::string text;
  std::optional<std::int64_t> question;  // the quiz_question's question.id this replies to
};

// {"type":"progress"}
struct ProgressRequest {
  std::optional<std::string> id;
  std::optional<std::string> user;
};

struct CancelRequest {
  std::string id;
};

struct PingRequest {};

struct ProtocolError {
  ErrorCode code = ErrorCode::BadRequest;
  std::string message;
  std::optional<std::string> id;  // the request's id when it could be read
};

using ClientMessage = std::variant<AskRequest, CancelRequest, PingRequest, QuizRequest, QuizAnswerRequest,
                                   ProgressRequest, ProtocolError>;

// The id of any parsed message (cancel: the ask's id); nullopt for ping and id-less requests.
std::optional<std::string> message_id(const ClientMessage& message);

// Parses one client text frame. Never throws.
ClientMessage parse_client_message(std::string_view frame, const ProtocolLimits& limits = {});

// Validation shared with POST /api/ask: `text` and `top_k` of an already-parsed JSON object.
// Returns an error when a field is missing, blank or of the wrong type.
std::optional<ProtocolError> read_ask_fields(const nlohmann::json& object, const ProtocolLimits& limits,
                                             AskRequest& out);

// True when the text is empty or only white space (ASCII or U+3000 IDEOGRAPHIC SPACE).
bool is_blank(std::string_view text);

// Reply builders: each returns one frame's JSON text.
std::string make_hello(std::int64_t questions);
// `choices` is written when clarify is set; `followup` when it is not null.
std::string make_result(const std::optional<std::string>& id, const retrieval::Result& result);
std::string make_delta(const std::optional<std::string>& id, std::string_view text);
std::string make_done(const std::optional<std::string>& id, std::string_view answer, std::string_view html,
                      bool cancelled);
std::string make_error(const std::optional<std::string>& id, ErrorCode code, std::string_view message);
std::string make_pong();

// Quiz replies (docs/protocol.md, "Quizzes"). `question` is {"id","question","category","source"}.
nlohmann::json quiz_question_json(std::int64_t id, std::string_view question, std::string_view category,
                                  std::string_view source);
std::string make_quiz_question(const std::optional<std::string>& id, const nlohmann::json& question, int box,
                               std::int64_t due, std::int64_t fresh);
std::string make_quiz_result(const std::optional<std::string>& id, const nlohmann::json& question, double score,
                             bool passed, const std::vector<std::string>& hit, const std::vector<std::string>& missed,
                             std::string_view markdown, std::string_view html, int box, std::int64_t next_due);
std::string make_progress(const std::optional<std::string>& id, std::int64_t total, std::int64_t seen, std::int64_t due,
                          const std::vector<std::int64_t>& boxes, std::int64_t reviews, std::int64_t correct);

// Serialises with invalid UTF-8 replaced rather than throwing: replies must always be sendable.
std::string dump_json(const nlohmann::json& value);

}  // namespace qabot::server
