#pragma once
// What the chat endpoints take and give, without any HTTP library: the raw body and the two
// signature headers in, a status and a JSON body out. The server does the transport.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "answer/answerer.hpp"

namespace qabot::integrations {

struct WebhookRequest {
  std::string_view body;       // raw, exactly as received: the signature covers these bytes
  std::string_view timestamp;  // X-Slack-Request-Timestamp / X-Signature-Timestamp; empty when absent
  std::string_view signature;  // X-Slack-Signature / X-Signature-Ed25519; empty when absent
};

// A message to deliver later, outside the request: Slack takes answers to button clicks only
// through the click's response_url (an HTTPS POST of `json` to `url`).
struct FollowUp {
  std::string url;
  std::string json;
};

struct WebhookResponse {
  int status = 200;
  std::string json;     // the response body when status is 200 (empty: an empty 200 acknowledgement)
  std::string message;  // why, when status is not 200: safe to log and to send (never holds a secret)
  std::optional<FollowUp> follow_up;
};

// One question in, one answer out (the server passes its worker's engine). `session` names the
// conversation the question belongs to — platform + team/guild + channel + user — so that a
// follow-up ("那LN呢") is read against that user's earlier questions in that channel and no one else's.
using AskFunction = std::function<answer::Answer(std::string_view question, int top_k, std::string_view session)>;

// A chat user's `/quiz` (docs/integrations.md). The server runs it on a worker against the quiz and
// the state store and returns the reply as note-style markdown, which each endpoint converts to its
// platform's dialect. `user` is the quiz user: "slack:TEAM/USER", "discord:USER".
struct QuizCommand {
  enum class Kind {
    Auto,    // Slack `/quiz TEXT`: empty or a category starts, "skip" skips, otherwise answers a pending question
    Start,   // Discord `/quiz [category:…]`
    Answer,  // Discord `/quiz answer:…` ("skip" skips)
  };
  Kind kind = Kind::Auto;
  std::string user;
  std::string text;  // the category or the reply
};
using QuizFunction = std::function<std::string(const QuizCommand& command)>;

// "slack:T1/C1/U1": the conversation key of one user in one channel of one workspace.
std::string chat_session(std::string_view platform, std::string_view team, std::string_view channel,
                         std::string_view user);

// The string at `key` of a JSON object; empty when absent or not a string (platform payloads are
// read leniently: a field of an unexpected type is treated as missing, never thrown on).
std::string string_field(const nlohmann::json& object, std::string_view key);

// Hits asked for: the best answers, the others are offered as related questions.
inline constexpr int kIntegrationTopK = 5;

}  // namespace qabot::integrations
