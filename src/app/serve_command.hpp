#pragma once
// `qabot serve`: the chat server (HTTP, WebSocket protocol v1, the web page).

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "retrieval/glossary.hpp"

namespace qabot::app {

struct ServeOptions {
  std::filesystem::path db = "qabot.db";
  retrieval::GlossarySources glossary;       // the built-in glossary, plus --synonyms FILE
  std::vector<std::filesystem::path> paths;  // positional: indexed at start and watched
  std::vector<std::filesystem::path> notes;  // --notes: indexed at start, watched with --watch
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::size_t threads = 0;  // 0: one per core
  bool watch = false;
  std::vector<std::string> allow_origins;
  int pace_ms = 20;
  std::size_t max_connections = 10000;
  double rate_limit = 20;
  double rate_burst = 40;
  double header_timeout = 30;  // seconds for a request's header to arrive (slow clients are cut off)
  std::string log_level = "info";
  // Slack/Discord secrets: QABOT_SLACK_SIGNING_SECRET / QABOT_DISCORD_PUBLIC_KEY, or this file (mode 600).
  std::optional<std::filesystem::path> integrations_config;
  // Where chat clients reach this server ("https://qa.example.com"): Slack/Discord answers link a
  // note's images to its GET /notes/… route; empty: those images are their alt text.
  std::string public_url;
  // Quiz progress and the gaps log: "sqlite:PATH", a plain PATH or "postgres://…"; empty:
  // qabot-state.db in the directory of --db.
  std::string state;
  bool no_gaps_log = false;
};

// The --state default: qabot-state.db next to the index file.
std::string default_state_spec(const std::filesystem::path& db);

// Runs until SIGINT/SIGTERM; returns the exit code (start-up failures print a message and return 1).
int run_serve(const ServeOptions& options);
void add_serve_command(CLI::App& app);

}  // namespace qabot::app
