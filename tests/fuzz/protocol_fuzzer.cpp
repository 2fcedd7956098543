// One WebSocket text frame (any bytes) → parse_client_message → the replies the session would send
// for it (websocket_session.cpp). Every reply must be one valid JSON object with a string "type"
// and the request's id; a parsed ask must respect the limits.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "server/protocol.hpp"
#include "server/utf8_chunker.hpp"

using nlohmann::json;
using qabot::fuzz::require;
namespace server = qabot::server;

namespace {

void check_reply(const std::string& frame, std::string_view type, const std::optional<std::string>& id) {
  require(qabot::fuzz::is_utf8(frame), "a reply is not valid UTF-8", frame);
  const json reply = json::parse(frame, nullptr, /*allow_exceptions=*/false);
  require(reply.is_object(), "a reply is not a JSON object", frame);
  require(reply.contains("type") && reply["type"].is_string() && reply["type"] == type, "wrong or missing type", frame);
  if (type == "pong") return;
  require(reply.contains("id"), "a reply without an id", frame);
  if (id) {
    require(reply["id"].is_string(), "the id was lost", frame);
    // dump_json replaces invalid UTF-8, so an id read from valid JSON comes back unchanged.
    require(reply["id"].get<std::string>() == *id, "the id changed", frame);
  } else {
    require(reply["id"].is_null(), "an id appeared from nowhere", frame);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  const server::ProtocolLimits limits;
  const server::ClientMessage msg = server::parse_client_message(frame, limits);

  if (const auto* err = std::get_if<server::ProtocolError>(&msg)) {
    require(!err->message.empty(), "an error without a message");
    check_reply(server::make_error(err->id, err->code, err->message), "error", err->id);
    // The rate limiter answers any frame the same way.
    check_reply(server::make_error(err->id, server::ErrorCode::RateLimited, "slow down"), "error", err->id);
  } else if (std::holds_alternative<server::PingRequest>(msg)) {
    check_reply(server::make_pong(), "pong", std::nullopt);
  } else if (const auto* cancel = std::get_if<server::CancelRequest>(&msg)) {
    check_reply(server::make_error(cancel->id, server::ErrorCode::BadRequest, "no such ask"), "error", cancel->id);
  } else {
    const auto& ask = std::get<server::AskRequest>(msg);
    require(!server::is_blank(ask.text), "a blank ask was accepted", ask.text);
    require(ask.text.size() <= limits.max_text_bytes, "an over-long ask was accepted");
    require(ask.top_k >= limits.min_top_k && ask.top_k <= limits.max_top_k, "top_k outside its limits");
    // Echo the question everywhere an answer goes: hits, streamed deltas, the final answer.
    const json hits = json::array({{{"id", 1}, {"question", ask.text}, {"category", frame}}});
    check_reply(server::make_result(ask.id, true, hits, false, json::array()), "result", ask.id);
    std::string joined;
    for (const auto& chunk : server::utf8_chunks(ask.text, 8)) {
      joined += chunk;
      check_reply(server::make_delta(ask.id, chunk), "delta", ask.id);
    }
    require(joined == ask.text, "chunks do not add up to the text");
    check_reply(server::make_done(ask.id, ask.text, frame, false), "done", ask.id);
  }
  // Replies built from raw, possibly invalid, bytes must still be valid JSON.
  check_reply(server::make_delta(std::nullopt, frame), "delta", std::nullopt);
  return 0;
}
