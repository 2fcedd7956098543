#include "integrations/slack_endpoint.hpp"

#include <chrono>
#include <utility>

#include <nlohmann/json.hpp>

#include "integrations/form_data.hpp"
#include "integrations/request_signature.hpp"
#include "integrations/slack_messages.hpp"

namespace qabot::integrations {
namespace {

using nlohmann::json;

WebhookResponse reply(const json& message) {
  return {200, message.dump(-1, ' ', false, json::error_handler_t::replace), {}, {}};
}

WebhookResponse bad_request(std::string message) { return {400, {}, std::move(message), {}}; }

std::string trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

}  // namespace

std::string string_field(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string chat_session(std::string_view platform, std::string_view team, std::string_view channel,
                         std::string_view user) {
  std::string key(platform);
  key += ':';
  key += team;
  key += '/';
  key += channel;
  key += '/';
  key += user;
  return key;
}

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool is_slack_response_url(std::string_view url) {
  return url.starts_with("https://hooks.slack.com/") || url.starts_with("https://hooks.slack-gov.com/");
}

SlackEndpoint::SlackEndpoint(std::string signing_secret, Clock clock, std::string public_url)
    : signing_secret_(std::move(signing_secret)), clock_(std::move(clock)), public_url_(std::move(public_url)) {}

std::optional<WebhookResponse> SlackEndpoint::reject(const WebhookRequest& request) const {
  const auto check =
      check_slack_signature(signing_secret_, request.timestamp, request.signature, request.body, clock_());
  if (check == SignatureCheck::Valid) return std::nullopt;
  return WebhookResponse{401, {}, "invalid Slack request: " + std::string(to_string(check)), {}};
}

WebhookResponse SlackEndpoint::command(const WebhookRequest& request, const AskFunction& ask,
                                       const QuizFunction& quiz) const {
  if (auto rejected = reject(request)) return *rejected;
  const auto form = parse_form(request.body);
  const auto text = form.find("text");
  const std::string question = text == form.end() ? std::string() : trimmed(text->second);
  if (const auto command = form.find("command"); command != form.end() && command->second == "/quiz") {
    if (!quiz) return reply(slack_notice("Quizzes are off on this server."));
    if (question.size() > 4096) return reply(slack_notice("That answer is too long (4096 bytes at most)."));
    const auto team = form.find("team_id");
    const auto user = form.find("user_id");
    // Per user per workspace, not per channel: a quiz follows its user around.
    const std::string key = "slack:" + (team == form.end() ? std::string() : team->second) + "/" +
                            (user == form.end() ? std::string() : user->second);
    return reply(slack_quiz_message(quiz({QuizCommand::Kind::Auto, key, question})));
  }
  if (question.empty()) {
    const auto command = form.find("command");
    const std::string name = command == form.end() ? "/ask" : command->second;
    return reply(slack_notice("Ask me about the notes: " + name + " BN有什么作用"));
  }
  if (question.size() > 4096) return reply(slack_notice("That question is too long (4096 bytes at most)."));
  auto field = [&form](const char* name) {
    const auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  const std::string session = chat_session("slack", field("team_id"), field("channel_id"), field("user_id"));
  return reply(slack_answer_message(ask(question, kIntegrationTopK, session), {}, public_url_));
}

WebhookResponse SlackEndpoint::interactive(const WebhookRequest& request, const AskFunction& ask) const {
  if (auto rejected = reject(request)) return *rejected;
  const auto form = parse_form(request.body);
  const auto field = form.find("payload");
  if (field == form.end()) return bad_request("no payload field");
  const json payload = json::parse(field->second, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object()) return bad_request("payload is not a JSON object");
  if (string_field(payload, "type") != "block_actions") return {200, {}, {}, {}};  // nothing of ours: acknowledge

  const auto actions = payload.find("actions");
  std::string question;
  if (actions != payload.end() && actions->is_array()) {
    for (const auto& action : *actions) {
      if (!action.is_object() || !string_field(action, "action_id").starts_with(kSlackAskAction)) continue;
      question = trimmed(string_field(action, "value"));
      break;
    }
  }
  if (question.empty()) return {200, {}, {}, {}};

  const auto id_of = [&payload](const char* key) {
    const auto it = payload.find(key);
    return it == payload.end() ? std::string() : string_field(*it, "id");
  };
  const std::string session = chat_session("slack", id_of("team"), id_of("channel"), id_of("user"));
  json message = slack_answer_message(ask(question, kIntegrationTopK, session), {}, public_url_);
  // A new message under the one clicked: the answer others were reading stays.
  message["replace_original"] = false;
  WebhookResponse response{200, {}, {}, {}};
  const std::string url = string_field(payload, "response_url");
  if (is_slack_response_url(url)) {
    response.follow_up = FollowUp{url, message.dump(-1, ' ', false, json::error_handler_t::replace)};
  } else {
    response.message = "block_actions payload without a Slack response_url";
  }
  return response;
}

}  // namespace qabot::integrations
