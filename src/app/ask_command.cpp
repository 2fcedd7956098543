#include "app/ask_command.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <variant>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "answer/answerer.hpp"
#include "answer/math_finder.hpp"
#include "app/glossary_options.hpp"
#include "server/ask_service.hpp"
#include "server/conversation_store.hpp"

namespace qabot::app {

namespace {
struct AskOptions {
  std::filesystem::path db = "qabot.db";
  retrieval::GlossarySources glossary;
  int top_k = 3;
  bool json = false;
  bool explain = false;
  bool conversation = false;
  std::string query;
};

void print_human(const answer::Answer& a) {
  const auto& r = a.result;
  if (!r.corrections.empty()) {
    std::cout << "(corrected:";
    for (const auto& c : r.corrections) std::cout << " " << c.from << " → " << c.to;
    std::cout << ")\n";
  }
  if (r.followup) {
    std::cout << "(follow-up of \"" << r.followup->previous << "\": carried";
    for (const auto& t : r.followup->carried) std::cout << " " << t;
    std::cout << ")\n";
  }
  if (r.matched && r.clarify) {
    std::cout << a.markdown;
  } else if (r.matched) {
    const auto& h = r.hits.front();
    std::cout << "Q: " << h.question << "\n";
    std::cout << "   [" << h.category << "]  " << h.source << "  confidence " << h.confidence << "\n\n";
    // A terminal renders no TeX: math is shown as code, as in Slack and Discord.
    const std::string shown = answer::math_as_code(a.markdown);
    std::cout << shown;
    if (!shown.empty() && shown.back() != '\n') std::cout << "\n";
    if (r.hits.size() > 1) {
      std::cout << "\nRelated:\n";
      for (std::size_t i = 1; i < r.hits.size(); ++i) std::cout << "  - " << r.hits[i].question << "\n";
    }
  } else {
    std::cout << a.markdown;
  }
}
}  // namespace

void add_ask_command(CLI::App& app) {
  auto options = std::make_shared<AskOptions>();
  auto* cmd = app.add_subcommand("ask", "Ask the question bank (reads one query per line from stdin without QUERY)");
  cmd->add_option("query", options->query, "The question");
  cmd->add_option("--db", options->db, "Index file")->capture_default_str();
  add_glossary_options(cmd, options->glossary);
  cmd->add_option("-k,--top-k", options->top_k, "Hits to return")->check(CLI::Range(1, 50))->capture_default_str();
  cmd->add_flag("--json", options->json, "One JSON object per line");
  cmd->add_flag("--explain", options->explain, "Also print how each query was understood (to stderr)");
  cmd->add_flag(
      "--conversation", options->conversation,
      "Read stdin lines as the turns of one conversation (follow-ups resolved); a blank line starts a new one");
  cmd->callback([options, cmd] {
    // A conversation is answered as the server answers one (follow-ups resolved, the next turn kept):
    // through the same AskService, over the same engine. The index is opened once for answering;
    // a second time only when --explain asks how a conversation's questions were read.
    std::unique_ptr<server::AnswerEngine> engine;
    if (options->conversation) engine = server::make_answerer_factory(options->glossary)(options->db);
    std::optional<answer::Answerer> answerer;
    if (!engine || options->explain) answerer.emplace(options->db, options->glossary);
    const server::AskService service(nullptr, nullptr, nullptr, nullptr);
    server::ConversationStore conversations(1, std::chrono::hours(24), "cli_conversations");
    int turn_set = 0;  // a blank line starts a new conversation: a new key
    auto print = [&](const answer::Answer& a) {
      if (!options->json) return print_human(a);
      std::cout << answer::to_json(a.result).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    };
    auto one = [&](const std::string& q) {
      if (options->explain) std::cerr << answerer->explain(q);
      if (!engine) {
        if (options->json) return print({answerer->search(q, options->top_k), {}, {}});
        return print(answerer->ask(q, options->top_k));
      }
      server::AskCall call;
      call.channel = server::Channel::Cli;
      call.text = q;
      call.top_k = options->top_k;
      call.conversations = &conversations;
      call.conversation_key = std::to_string(turn_set);
      auto reply = service.ask(*engine, call);
      if (auto* failed = std::get_if<server::AskFailed>(&reply)) throw std::runtime_error(failed->message);
      print(std::get<server::AskOutcome>(reply).answer);
    };
    if (cmd->count("query")) {
      one(options->query);
      return;
    }
    std::string line;
    while (std::getline(std::cin, line)) {
      if (engine && line.find_first_not_of(" \t\r") == std::string::npos) {
        ++turn_set;
        continue;
      }
      one(line);
      std::cout.flush();
    }
  });
}

}  // namespace qabot::app
