#pragma once
// Answers as Slack Block Kit messages (https://api.slack.com/block-kit), within Slack's limits.

#include <cstddef>

#include <nlohmann/json.hpp>

#include "answer/answerer.hpp"

namespace qabot::integrations {

struct SlackLimits {
  std::size_t section_text = 3000;  // characters in a section's text
  std::size_t max_blocks = 50;      // blocks in one message
  std::size_t answer_sections = 8;  // sections for the answer: long enough for any note, short enough for a chat
  std::size_t header_text = 150;
  std::size_t button_text = 75;
  std::size_t button_value = 2000;
  std::size_t related_buttons = 5;  // an actions block takes up to 25; more would be noise
};

// Matched: header (the question), the answer as mrkdwn sections, a context block (category,
// confidence, source), the related questions as buttons; `response_type: in_channel`.
// Not matched: an ephemeral reply naming the closest questions, as buttons.
// `public_url`: the server's public address (serve --public-url); relative images in the answer
// link to its /notes/… route, and are their alt text without it.
nlohmann::json slack_answer_message(const answer::Answer& answer, const SlackLimits& limits = {},
                                    std::string_view public_url = {});

// An ephemeral reply with a plain message (usage, errors).
nlohmann::json slack_notice(std::string_view text);
// A quiz reply (note-style markdown) for the user alone: ephemeral, converted to mrkdwn, shortened
// to one message.
nlohmann::json slack_quiz_message(std::string_view markdown, const SlackLimits& limits = {});

// The action_id prefix of the related-question buttons; the button's value is the question.
inline constexpr std::string_view kSlackAskAction = "qabot_ask";

}  // namespace qabot::integrations
