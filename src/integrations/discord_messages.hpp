#pragma once
// Answers as Discord interaction response data (content, embeds, components), within Discord's
// limits.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "answer/answerer.hpp"

namespace qabot::integrations {

struct DiscordLimits {
  std::size_t content = 2000;  // characters of message content
  std::size_t embed_title = 256;
  std::size_t field_value = 1024;
  std::size_t button_label = 80;
  std::size_t custom_id = 100;
  std::size_t related_buttons = 5;  // one action row
};

// The `data` of a CHANNEL_MESSAGE_WITH_SOURCE (type 4) response. Matched: the answer in Discord
// markdown as content, an embed with question, category and confidence, the related questions as
// buttons. Not matched: an ephemeral message with the closest questions as buttons. Mentions in
// notes never ping anyone (allowed_mentions is empty).
// `public_url`: as for slack_answer_message (relative images link to the server's /notes/… route).
nlohmann::json discord_answer_data(const answer::Answer& answer, const DiscordLimits& limits = {},
                                   std::string_view public_url = {});

// An ephemeral plain message (usage, unknown commands).
nlohmann::json discord_notice(std::string_view text);
// A quiz reply (note-style markdown) for the user alone: ephemeral, Discord markdown, one message.
nlohmann::json discord_quiz_data(std::string_view markdown, const DiscordLimits& limits = {});

// Buttons carry "qa:<question id>:<question text, cut to fit custom_id>"; this reads the text back.
std::optional<std::string> question_from_custom_id(std::string_view custom_id);

inline constexpr int kDiscordEphemeral = 1 << 6;

}  // namespace qabot::integrations
