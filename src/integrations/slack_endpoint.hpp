#pragma once
// Slack's two webhooks: the `/ask` slash command and the interactivity request URL (button clicks).
// Every request is verified against the signing secret before its body is parsed.
//
// A slash command is answered in the HTTP response itself (retrieval takes well under Slack's 3 s).
// A click on a `block_actions` button cannot be: Slack treats the HTTP response to it as a bare
// acknowledgement, and a message reaches the channel only through the click's `response_url`. So
// `interactive` returns an empty 200 plus a FollowUp for the transport to POST.

#include <cstdint>
#include <functional>
#include <string>

#include "integrations/webhook.hpp"

namespace qabot::integrations {

using Clock = std::function<std::int64_t()>;  // Unix seconds
std::int64_t unix_seconds();

class SlackEndpoint {
 public:
  // `public_url`: where chat clients reach this server (relative note images link there); "": none.
  explicit SlackEndpoint(std::string signing_secret, Clock clock = &unix_seconds, std::string public_url = {});

  // POST /integrations/slack/command: form fields `text`, `user_id`, `response_url`, …
  // `/quiz [category | answer | skip]` goes to `quiz` (null: quizzes are off); any other command asks.
  WebhookResponse command(const WebhookRequest& request, const AskFunction& ask, const QuizFunction& quiz = {}) const;
  // POST /integrations/slack/interactive: form field `payload`, JSON of type `block_actions`.
  WebhookResponse interactive(const WebhookRequest& request, const AskFunction& ask) const;

 private:
  std::optional<WebhookResponse> reject(const WebhookRequest& request) const;

  std::string signing_secret_;
  Clock clock_;
  std::string public_url_;
};

// Only Slack's own hosts may receive a follow-up (the URL comes from a verified payload, but a
// server should not POST wherever a request tells it to).
bool is_slack_response_url(std::string_view url);

}  // namespace qabot::integrations
