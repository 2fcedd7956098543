#pragma once
// Protocol v1 (docs/protocol.md) without I/O: one text frame in → a parsed request or an error value;
// reply builders → the exact JSON text of one frame.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace qabot::server {

inline constexpr int kProtocolVersion = 1;

enum class ErrorCode { BadJson, BadRequest, TooLarge, RateLimited, Overloaded, Internal };

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

using ClientMessage = std::variant<AskRequest, CancelRequest, PingRequest, ProtocolError>;

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
std::string make_result(const std::optional<std::string>& id, bool matched, const nlohmann::json& hits, bool clarify,
                        const nlohmann::json& corrections);
std::string make_delta(const std::optional<std::string>& id, std::string_view text);
std::string make_done(const std::optional<std::string>& id, std::string_view answer, std::string_view html,
                      bool cancelled);
std::string make_error(const std::optional<std::string>& id, ErrorCode code, std::string_view message);
std::string make_pong();

// Serialises with invalid UTF-8 replaced rather than throwing: replies must always be sendable.
std::string dump_json(const nlohmann::json& value);

}  // namespace qabot::server
