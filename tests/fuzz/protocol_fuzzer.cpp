// One WebSocket text frame (any bytes) → parse_client_message → the replies the session would send
// for it (websocket_session.cpp). Every reply must be one valid JSON object with a string "type"
// and the request's id; parsed asks and quiz messages must respect the limits.

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

// A quiz user id, like a request id, is a non-empty string of at most max_id_chars code points.
void check_user(const std::optional<std::string>& user, const server::ProtocolLimits& limits) {
  if (!user) return;
  require(!server::is_blank(*user), "a blank user was accepted", *user);
  require(qabot::fuzz::is_utf8(*user), "a user id is not valid UTF-8", *user);
  std::size_t code_points = 0;
  for (const unsigned char c : *user) code_points += (c & 0xC0) != 0x80;
  require(code_points <= limits.max_id_chars, "an over-long user id was accepted", *user);
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
  } else if (const auto* quiz = std::get_if<server::QuizRequest>(&msg)) {
    check_user(quiz->user, limits);
    const json question = server::quiz_question_json(1, frame, quiz->category, frame);
    check_reply(server::make_quiz_question(quiz->id, question, 1, 0, 1), "quiz_question", quiz->id);
  } else if (const auto* answer = std::get_if<server::QuizAnswerRequest>(&msg)) {
    check_user(answer->user, limits);
    require(!server::is_blank(answer->text), "a blank quiz answer was accepted", answer->text);
    require(answer->text.size() <= limits.max_text_bytes, "an over-long quiz answer was accepted");
    const json question = server::quiz_question_json(answer->question.value_or(1), frame, frame, frame);
    check_reply(server::make_quiz_result(answer->id, question, 0.5, false, {answer->text}, {std::string(frame)},
                                         answer->text, frame, 1, 0),
                "quiz_result", answer->id);
  } else if (const auto* progress = std::get_if<server::ProgressRequest>(&msg)) {
    check_user(progress->user, limits);
    check_reply(server::make_progress(progress->id, 3, 2, 1, {1, 1, 0, 0, 0}, 4, 2), "progress", progress->id);
  } else {
    const auto& ask = std::get<server::AskRequest>(msg);
    check_user(ask.user, limits);
    require(!server::is_blank(ask.text), "a blank ask was accepted", ask.text);
    require(ask.text.size() <= limits.max_text_bytes, "an over-long ask was accepted");
    require(ask.top_k >= limits.min_top_k && ask.top_k <= limits.max_top_k, "top_k outside its limits");
    // Echo the question everywhere an answer goes: hits, streamed deltas, the final answer.
    qabot::retrieval::Result result;
    result.matched = true;
    qabot::retrieval::Hit hit;
    hit.id = 1;
    hit.question = ask.text;
    hit.category = std::string(frame);
    result.hits.push_back(hit);
    result.corrections.push_back({ask.text, std::string(frame)});
    check_reply(server::make_result(ask.id, result), "result", ask.id);
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
