#include "integrations/discord_endpoint.hpp"

#include <utility>

#include <nlohmann/json.hpp>

#include "integrations/discord_messages.hpp"

namespace qabot::integrations {
namespace {

using nlohmann::json;

WebhookResponse reply(int type, json data = nullptr) {
  json body = {{"type", type}};
  if (!data.is_null()) body["data"] = std::move(data);
  return {200, body.dump(-1, ' ', false, json::error_handler_t::replace), {}, {}};
}

WebhookResponse bad_request(std::string message) { return {400, {}, std::move(message), {}}; }

int int_field(const json& object, std::string_view key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int>() : -1;
}

// A string option (type 3) of a command: `question` of `/ask`, `answer`/`category` of `/quiz`.
std::string string_option(const json& data, std::string_view name) {
  const auto options = data.find("options");
  if (options == data.end() || !options->is_array()) return {};
  for (const auto& option : *options) {
    if (string_field(option, "name") == name) return string_field(option, "value");
  }
  return {};
}

std::string question_option(const json& data) { return string_option(data, "question"); }

std::string trimmed(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

DiscordEndpoint::DiscordEndpoint(std::string_view public_key_hex, Clock clock, std::string public_url)
    : verifier_(std::make_unique<Ed25519Verifier>(public_key_hex)),
      clock_(std::move(clock)),
      public_url_(std::move(public_url)) {}

WebhookResponse DiscordEndpoint::interactions(const WebhookRequest& request, const AskFunction& ask,
                                              const QuizFunction& quiz) const {
  const auto check = check_discord_signature(*verifier_, request.timestamp, request.signature, request.body, clock_());
  if (check != SignatureCheck::Valid) {
    return {401, {}, "invalid Discord request: " + std::string(to_string(check)), {}};
  }
  const json interaction = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!interaction.is_object()) return bad_request("body is not a JSON object");

  const json empty = json::object();
  const auto data_it = interaction.find("data");
  const json& data = data_it != interaction.end() && data_it->is_object() ? *data_it : empty;

  // Who asks where: in a guild the user is under "member", in a DM directly under "user".
  const auto member = interaction.find("member");
  std::string user = member != interaction.end() && member->is_object() && member->contains("user")
                         ? string_field((*member)["user"], "id")
                         : std::string();
  if (user.empty() && interaction.contains("user")) user = string_field(interaction["user"], "id");
  const std::string session =
      chat_session("discord", string_field(interaction, "guild_id"), string_field(interaction, "channel_id"), user);

  switch (int_field(interaction, "type")) {
    case kDiscordPing: return reply(kDiscordPong);
    case kDiscordApplicationCommand: {
      if (string_field(data, "name") == "quiz") {
        if (!quiz) return reply(kDiscordChannelMessage, discord_notice("Quizzes are off on this server."));
        const std::string answer = trimmed(string_option(data, "answer"));
        if (answer.size() > 4096) {
          return reply(kDiscordChannelMessage, discord_notice("That answer is too long (4096 bytes at most)."));
        }
        // Per user, not per guild or channel: a quiz follows its user around.
        QuizCommand command{QuizCommand::Kind::Start, "discord:" + user, trimmed(string_option(data, "category"))};
        if (!answer.empty()) command = {QuizCommand::Kind::Answer, "discord:" + user, answer};
        return reply(kDiscordChannelMessage, discord_quiz_data(quiz(command)));
      }
      if (string_field(data, "name") != "ask") return reply(kDiscordChannelMessage, discord_notice("Unknown command."));
      const std::string question = trimmed(question_option(data));
      if (question.empty()) return reply(kDiscordChannelMessage, discord_notice("Usage: /ask question: BN有什么作用"));
      if (question.size() > 4096) {
        return reply(kDiscordChannelMessage, discord_notice("That question is too long (4096 bytes at most)."));
      }
      return reply(kDiscordChannelMessage,
                   discord_answer_data(ask(question, kIntegrationTopK, session), {}, public_url_));
    }
    case kDiscordMessageComponent: {
      const auto question = question_from_custom_id(string_field(data, "custom_id"));
      if (!question) return reply(kDiscordChannelMessage, discord_notice("That button is not one of mine."));
      return reply(kDiscordChannelMessage,
                   discord_answer_data(ask(*question, kIntegrationTopK, session), {}, public_url_));
    }
    default: return bad_request("unsupported interaction type");
  }
}

}  // namespace qabot::integrations
