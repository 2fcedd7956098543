#include "app/gaps_command.hpp"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "answer/answerer.hpp"
#include "app/serve_command.hpp"
#include "gaps/gap_grouper.hpp"
#include "quiz/quiz_grader.hpp"
#include "state/state_store.hpp"
#include "text/analyzer.hpp"
#include "text/utf8.hpp"

namespace qabot::app {
namespace {

struct GapsOptions {
  std::string state;  // empty: qabot-state.db next to --db
  std::filesystem::path db = "qabot.db";
  std::size_t limit = 20;    // groups shown
  std::size_t read = 10000;  // most recent gaps read from the log
  bool json = false;
};

// Gap texts were typed by anyone who can reach the server: control characters (C0, DEL, C1) are
// shown as \uXXXX so that none can move the cursor, recolour or fake lines in the owner's terminal.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char escape[16];
  for (std::size_t i = 0; i < text.size();) {
    const text::Utf8Char c = text::decode_utf8(text, i);
    if (c.valid && (c.code_point < 0x20 || (c.code_point >= 0x7F && c.code_point <= 0x9F))) {
      std::snprintf(escape, sizeof escape, "\\u%04X", static_cast<unsigned>(c.code_point));
      out += escape;
    } else {
      out += text.substr(i, c.length);  // invalid bytes as they came: the terminal shows U+FFFD
    }
    i += c.length;
  }
  return out;
}

std::string local_time(std::int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

int run_gaps(const GapsOptions& o) {
  const std::string spec = o.state.empty() ? default_state_spec(o.db) : o.state;
  // Reading the report must not create a state file where none was ever written.
  if (!spec.starts_with("postgres://") && !spec.starts_with("postgresql://")) {
    const std::filesystem::path file = spec.starts_with("sqlite:") ? spec.substr(7) : spec;
    std::error_code exists_ec;
    if (!std::filesystem::exists(file, exists_ec)) {
      if (o.json) {
        std::cout << "[]\n";
      } else {
        std::cout << "No state file at " << file.string() << ": nothing has been logged there yet.\n";
      }
      return 0;
    }
  }
  auto store = state::open_state_store(spec);
  const auto gaps = store->gaps(o.read);

  text::Analyzer analyzer;
  const quiz::QuizGrader terms(analyzer);
  const gaps::GapGrouper grouper([&terms](std::string_view t) { return terms.topic_terms(t); });
  auto groups = grouper.group(gaps);
  if (groups.size() > o.limit) groups.resize(o.limit);

  // With the index at hand, the closest question is looked up again: the notes
  // may have grown since the gap was logged.
  std::unique_ptr<answer::Answerer> answerer;
  std::error_code ec;
  if (std::filesystem::exists(o.db, ec))
    answerer = std::make_unique<answer::Answerer>(o.db, retrieval::GlossarySources{});
  for (auto& g : groups) {
    if (!answerer) continue;
    const auto result = answerer->search(g.representative, 1);
    if (!result.hits.empty()) {
      g.closest = result.hits.front().question;
      g.confidence = result.hits.front().confidence;
    }
  }

  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& g : groups) {
      out.push_back({{"representative", g.representative},
                     {"count", g.count},
                     {"last_seen", g.last_seen},
                     {"closest", g.closest},
                     {"confidence", g.confidence},
                     {"examples", g.examples}});
    }
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  if (groups.empty()) {
    std::cout << "No unanswered questions logged" << (gaps.empty() ? "" : " (none to group)") << ".\n";
    return 0;
  }
  std::cout << gaps.size() << " unanswered question" << (gaps.size() == 1 ? "" : "s") << " in " << groups.size()
            << " group" << (groups.size() == 1 ? "" : "s") << " (most asked first):\n\n";
  for (const auto& g : groups) {
    std::cout << "  " << g.count << "x  " << printable(g.representative) << "\n";
    std::cout << "      last asked " << local_time(g.last_seen);
    if (!g.closest.empty()) std::cout << "; closest note: " << printable(g.closest);
    std::cout << "\n";
    for (const auto& e : g.examples) std::cout << "      also: " << printable(e) << "\n";
  }
  return 0;
}

}  // namespace

void add_gaps_command(CLI::App& app) {
  auto options = std::make_shared<GapsOptions>();
  auto* cmd = app.add_subcommand("gaps", "List questions the notes did not answer (the local gaps log), grouped");
  cmd->add_option("--state", options->state,
                  "State store: sqlite:PATH, PATH or postgres://… (default: "
                  "qabot-state.db next to --db)");
  cmd->add_option("--db", options->db, "Index file: finds the closest question again")->capture_default_str();
  cmd->add_option("--limit", options->limit, "Groups to show")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_flag("--json", options->json,
                "JSON: [{representative, count, last_seen, closest, "
                "confidence, examples}]");
  cmd->callback([options] {
    if (const int rc = run_gaps(*options); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace qabot::app
