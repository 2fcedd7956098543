#include "integrations/discord_messages.hpp"

#include <algorithm>
#include <cstdio>

#include "integrations/chat_markdown.hpp"

namespace qabot::integrations {
namespace {

using nlohmann::json;

constexpr std::string_view kCustomIdPrefix = "qa:";

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '*' || c == '_' || c == '~' || c == '`' || c == '|' || c == '>' || c == '#') out += '\\';
    out += c;
  }
  return out;
}

json no_mentions() { return {{"parse", json::array()}}; }

json buttons(const std::vector<retrieval::Hit>& hits, std::size_t first, const DiscordLimits& limits) {
  json row = json::array();
  for (std::size_t i = first; i < hits.size() && row.size() < limits.related_buttons; ++i) {
    std::string custom_id = std::string(kCustomIdPrefix) + std::to_string(hits[i].id) + ":";
    custom_id += prefix_within(hits[i].question, limits.custom_id - chat_length(custom_id));
    row.push_back({{"type", 2},
                   {"style", 2},
                   {"label", shorten(hits[i].question, limits.button_label)},
                   {"custom_id", std::move(custom_id)}});
  }
  return json::array({{{"type", 1}, {"components", std::move(row)}}});
}

}  // namespace

json discord_notice(std::string_view text) {
  return {{"content", std::string(text)}, {"flags", kDiscordEphemeral}, {"allowed_mentions", no_mentions()}};
}

json discord_quiz_data(std::string_view markdown, const DiscordLimits& limits) {
  return {{"content", shorten(to_discord_markdown(markdown), limits.content)},
          {"flags", kDiscordEphemeral},
          {"allowed_mentions", no_mentions()}};
}

std::optional<std::string> question_from_custom_id(std::string_view custom_id) {
  if (!custom_id.starts_with(kCustomIdPrefix)) return std::nullopt;
  custom_id.remove_prefix(kCustomIdPrefix.size());
  const auto colon = custom_id.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  for (char c : custom_id.substr(0, colon)) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const std::string_view question = custom_id.substr(colon + 1);
  if (question.empty()) return std::nullopt;
  return std::string(question);
}

json discord_answer_data(const answer::Answer& answer, const DiscordLimits& limits, std::string_view public_url) {
  const auto& result = answer.result;
  if (!result.matched || result.hits.empty()) {
    std::string text = "I have no note that answers **" + escape(result.query) + "**";
    if (!result.corrections.empty()) {
      text += " (I read";
      for (const auto& c : result.corrections) text += " “" + escape(c.from) + "” as “" + escape(c.to) + "”";
      text += ")";
    }
    text += result.hits.empty() ? ". Try other words." : ". The closest questions in the notes:";
    json data = discord_notice(prefix_within(text, limits.content));
    if (!result.hits.empty()) data["components"] = buttons(result.hits, 0, limits);
    return data;
  }

  if (result.clarify && result.hits.size() > 1) {
    // A near-tie: the reply is the question "which one?", with a button per candidate.
    const std::size_t choices = std::min(std::max<std::size_t>(result.choices, 2), result.hits.size());
    json data = {{"content", "Did you mean…?"}, {"allowed_mentions", no_mentions()}};
    data["components"] = buttons(
        std::vector<retrieval::Hit>(result.hits.begin(), result.hits.begin() + static_cast<std::ptrdiff_t>(choices)), 0,
        limits);
    return data;
  }

  const auto& best = result.hits.front();
  const std::string note = "\n\n*✂️ shortened to fit Discord: the rest is in `" + shorten(best.source, 200) + "`*";
  const std::string body = to_discord_markdown(answer.markdown, ImageLinks{std::string(public_url), best.source});
  std::string content;
  if (chat_length(body) <= limits.content) {
    content = body;
  } else {
    const auto parts = split_for_chat(body, limits.content - chat_length(note));
    content = (parts.empty() ? std::string() : parts.front()) + note;
  }
  if (content.empty()) content = "(this question has no answer in the notes yet)";

  char confidence[32];
  std::snprintf(confidence, sizeof confidence, "%.2f", best.confidence);
  json fields = json::array();
  fields.push_back({{"name", "Category"},
                    {"value", best.category.empty() ? std::string("—") : shorten(best.category, limits.field_value)},
                    {"inline", true}});
  fields.push_back({{"name", "Confidence"}, {"value", confidence}, {"inline", true}});
  json embed = {{"title", shorten(best.question, limits.embed_title)}, {"fields", std::move(fields)}};
  if (!best.source.empty()) embed["footer"] = {{"text", shorten(best.source, 2048)}};

  json data = {{"content", std::move(content)},
               {"embeds", json::array({std::move(embed)})},
               {"allowed_mentions", no_mentions()}};
  if (result.hits.size() > 1) data["components"] = buttons(result.hits, 1, limits);
  return data;
}

}  // namespace qabot::integrations
