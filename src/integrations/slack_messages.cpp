#include "integrations/slack_messages.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "integrations/chat_markdown.hpp"

namespace qabot::integrations {
namespace {

using nlohmann::json;

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

json mrkdwn(std::string text) { return {{"type", "mrkdwn"}, {"text", std::move(text)}}; }
json plain(std::string text) { return {{"type", "plain_text"}, {"text", std::move(text)}, {"emoji", true}}; }

std::string confidence_text(double confidence) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", confidence);
  return buffer;
}

json button(const retrieval::Hit& hit, const SlackLimits& limits) {
  return {{"type", "button"},
          {"text", plain(shorten(hit.question, limits.button_text))},
          {"action_id", std::string(kSlackAskAction) + "_" + std::to_string(hit.id)},
          {"value", std::string(prefix_within(hit.question, limits.button_value))}};
}

json buttons(const std::vector<retrieval::Hit>& hits, std::size_t first, const SlackLimits& limits) {
  json elements = json::array();
  for (std::size_t i = first; i < hits.size() && elements.size() < limits.related_buttons; ++i) {
    elements.push_back(button(hits[i], limits));
  }
  return {{"type", "actions"}, {"block_id", "qabot_related"}, {"elements", std::move(elements)}};
}

}  // namespace

json slack_notice(std::string_view text) { return {{"response_type", "ephemeral"}, {"text", escape(text)}}; }

json slack_quiz_message(std::string_view markdown, const SlackLimits& limits) {
  return {{"response_type", "ephemeral"}, {"text", shorten(to_slack_mrkdwn(markdown), limits.section_text)}};
}

json slack_answer_message(const answer::Answer& answer, const SlackLimits& limits, std::string_view public_url) {
  const auto& result = answer.result;
  json blocks = json::array();
  if (!result.matched || result.hits.empty()) {
    std::string text = "I have no note that answers *" + escape(result.query) + "*";
    if (!result.corrections.empty()) {
      text += " (I read";
      for (const auto& c : result.corrections) text += " “" + escape(c.from) + "” as “" + escape(c.to) + "”";
      text += ")";
    }
    text += result.hits.empty() ? ". Try other words." : ". The closest questions in the notes:";
    blocks.push_back({{"type", "section"}, {"text", mrkdwn(std::string(prefix_within(text, limits.section_text)))}});
    if (!result.hits.empty()) blocks.push_back(buttons(result.hits, 0, limits));
    return {{"response_type", "ephemeral"}, {"text", "No note answers this"}, {"blocks", std::move(blocks)}};
  }

  if (result.clarify && result.hits.size() > 1) {
    // A near-tie: the reply is the question "which one?", with a button per candidate.
    const std::size_t choices = std::min(std::max<std::size_t>(result.choices, 2), result.hits.size());
    blocks.push_back({{"type", "section"}, {"text", mrkdwn("Did you mean…?")}});
    json choice_buttons = buttons(
        std::vector<retrieval::Hit>(result.hits.begin(), result.hits.begin() + static_cast<std::ptrdiff_t>(choices)), 0,
        limits);
    choice_buttons["block_id"] = "qabot_clarify";
    blocks.push_back(std::move(choice_buttons));
    return {{"response_type", "ephemeral"},
            {"text", "Did you mean " + escape(shorten(result.hits[0].question, 300)) + "?"},
            {"blocks", std::move(blocks)}};
  }

  const auto& best = result.hits.front();
  blocks.push_back({{"type", "header"}, {"text", plain(shorten(best.question, limits.header_text))}});

  // header + context + note + actions are the other blocks a message may have.
  const std::size_t room = std::min(limits.answer_sections, limits.max_blocks - 4);
  const ImageLinks images{std::string(public_url), best.source};
  auto parts = split_for_chat(to_slack_mrkdwn(answer.markdown, images), limits.section_text);
  const bool cut = parts.size() > room;
  if (cut) parts.resize(room);
  for (auto& part : parts) blocks.push_back({{"type", "section"}, {"text", mrkdwn(std::move(part))}});
  if (cut) {
    blocks.push_back(
        {{"type", "context"},
         {"elements", json::array({mrkdwn("✂️ The answer is longer than a Slack message: the rest is in " +
                                          escape(best.source))})}});
  }

  json context = json::array();
  if (!best.category.empty()) context.push_back(mrkdwn("📂 " + escape(shorten(best.category, 300))));
  context.push_back(mrkdwn("confidence " + confidence_text(best.confidence)));
  if (!best.source.empty()) context.push_back(mrkdwn("`" + escape(shorten(best.source, 300)) + "`"));
  blocks.push_back({{"type", "context"}, {"elements", std::move(context)}});

  if (result.hits.size() > 1) blocks.push_back(buttons(result.hits, 1, limits));
  return {
      {"response_type", "in_channel"}, {"text", escape(shorten(best.question, 300))}, {"blocks", std::move(blocks)}};
}

}  // namespace qabot::integrations
