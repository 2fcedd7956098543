#pragma once
// Discord's interactions endpoint: PING, the `/ask question:…` application command and clicks on
// the related-question buttons. Every request is verified (Ed25519) before its body is parsed;
// Discord's endpoint check sends badly signed requests on purpose and expects 401.
//
// A button click gets a new message (type 4), not UPDATE_MESSAGE (7): the answer the channel was
// reading stays where it is.

#include <memory>
#include <string_view>

#include "integrations/request_signature.hpp"
#include "integrations/slack_endpoint.hpp"  // Clock, unix_seconds
#include "integrations/webhook.hpp"

namespace qabot::integrations {

class DiscordEndpoint {
 public:
  // Throws std::invalid_argument when the key is not 64 hex digits of an Ed25519 public key.
  // `public_url`: where chat clients reach this server (relative note images link there); "": none.
  explicit DiscordEndpoint(std::string_view public_key_hex, Clock clock = &unix_seconds, std::string public_url = {});

  // POST /integrations/discord/interactions
  // The `quiz` command (options `category`, `answer`) goes to `quiz`; null: quizzes are off.
  WebhookResponse interactions(const WebhookRequest& request, const AskFunction& ask,
                               const QuizFunction& quiz = {}) const;

 private:
  std::unique_ptr<Ed25519Verifier> verifier_;
  Clock clock_;
  std::string public_url_;
};

// Interaction and response types of the Discord API used here.
inline constexpr int kDiscordPing = 1;
inline constexpr int kDiscordApplicationCommand = 2;
inline constexpr int kDiscordMessageComponent = 3;
inline constexpr int kDiscordPong = 1;
inline constexpr int kDiscordChannelMessage = 4;

}  // namespace qabot::integrations
