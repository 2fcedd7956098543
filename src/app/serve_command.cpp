#include "app/serve_command.hpp"

#include <exception>
#include <iostream>
#include <memory>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/glossary_options.hpp"
#include "integrations/integrations_config.hpp"
#include "server/server.hpp"
#include "state/state_store.hpp"
#include "store/index_builder.hpp"

namespace qabot::app {
namespace {

void build_index(const std::filesystem::path& db, const std::vector<std::filesystem::path>& notes) {
  const auto report = store::IndexBuilder(db).build(notes);
  for (const auto& e : report.errors) spdlog::warn("not indexed: {}: {}", e.path, e.message);
  for (const auto& w : report.warnings) spdlog::warn("indexed in part: {}: {}", w.path, w.message);
  spdlog::info("indexed {} questions from {} files ({} parsed, {} unchanged) in {:.2f} s", report.questions,
               report.files, report.parsed, report.reused, report.seconds);
}

}  // namespace

int run_serve(const ServeOptions& options) {
  // stdout carries exactly one line, "listening on URL", for scripts and tests; logs go to stderr.
  auto logger = spdlog::stderr_color_mt("qabot-serve");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(options.log_level));

  try {
    // Notes named on the command line (positional) or with --notes: the index is brought up to date
    // before serving — built when missing, and incrementally (changed files only) when it exists, so
    // an old index is never served stale. Positional notes are also watched.
    std::vector<std::filesystem::path> notes = options.paths;
    notes.insert(notes.end(), options.notes.begin(), options.notes.end());
    for (const auto& p : notes) {
      if (!std::filesystem::exists(p)) throw std::runtime_error("no such file or directory: " + p.string());
    }
    if (!notes.empty()) {
      spdlog::info("{} {}: indexing the notes first", options.db.string(),
                   std::filesystem::exists(options.db) ? "exists; bringing it up to date" : "does not exist yet");
      build_index(options.db, notes);
    }
    const bool watch = options.watch || !options.paths.empty();

    server::ServerConfig config;
    config.host = options.host;
    config.port = options.port;
    config.io_threads = options.threads;
    config.db = options.db;
    config.engine_factory = server::make_answerer_factory(options.glossary);
    config.allowed_origins = options.allow_origins;
    config.pace = std::chrono::milliseconds(options.pace_ms);
    config.max_connections = options.max_connections;
    config.rate_per_second = options.rate_limit;
    config.rate_burst = options.rate_burst;
    config.header_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(options.header_timeout * 1000));
    config.handle_signals = true;
    if (!notes.empty()) {
      config.rebuild_index = [notes](const std::filesystem::path& out) { build_index(out, notes); };
    }
    if (watch) {
      config.watch_paths = notes;  // may be empty: then only the index file is watched
      config.watch_index = true;
    }

    config.integrations = integrations::load_integrations_config(options.integrations_config);
    if (!options.public_url.empty()) {
      const auto url = integrations::parse_public_url(options.public_url);
      if (!url) throw std::runtime_error("--public-url must be an http:// or https:// URL: " + options.public_url);
      config.integrations.public_url = *url;
    }
    // Which integrations are on, never with what: secrets are not logged.
    if (config.integrations.slack_enabled()) {
      spdlog::info("Slack integration on: POST /integrations/slack/command and /integrations/slack/interactive");
      // ServerConfig::slack_delivery defaults to the production options: the server POSTs button-click
      // answers to hooks.slack.com itself.
      spdlog::info("Slack button clicks are answered over HTTPS to hooks.slack.com (outbound port 443)");
    }
    if (config.integrations.discord_enabled())
      spdlog::info("Discord integration on: POST /integrations/discord/interactions");

    const std::string state_spec = options.state.empty() ? default_state_spec(options.db) : options.state;
    try {
      config.state = state::open_state_store(state_spec);
      // The engine, never the spec: a postgres:// URI may carry a password.
      spdlog::info("state store: {}{}", config.state->engine(),
                   config.state->engine() == "sqlite" ? " (" + state_spec + ")" : std::string());
    } catch (const state::StateError& e) {
      // A --state asked for must work; the default beside a read-only index only costs the quiz and
      // the gaps log, so the server still answers.
      if (!options.state.empty()) throw;
      spdlog::warn("no state store ({}): quizzes are off and unanswered questions are not logged", e.what());
    }
    config.log_gaps = !options.no_gaps_log;
    if (!config.log_gaps) spdlog::info("gaps log off (--no-gaps-log)");

    server::Server server(std::move(config));
    server.start();
    std::cout << "listening on " << server.url() << std::endl;
    return server.run();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    std::cerr << "qabot serve: " << e.what() << "\n";
    return 1;
  }
}

std::string default_state_spec(const std::filesystem::path& db) {
  return (db.parent_path() / "qabot-state.db").string();
}

void add_serve_command(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Serve the chat page, the WebSocket protocol and the HTTP API");
  cmd->add_option("paths", options->paths,
                  "Note folders or files: indexed into --db at start (only what changed) and watched")
      ->check(CLI::ExistingPath);
  cmd->add_option("--db", options->db, "Index file to answer from (built from PATHs when given)")
      ->capture_default_str();
  add_glossary_options(cmd, options->glossary);
  cmd->add_option("--notes", options->notes,
                  "Note files or directories: indexed at start (only what changed), re-indexed with --watch");
  cmd->add_option("--host", options->host, "Address to bind")->capture_default_str();
  cmd->add_option("--port", options->port, "Port (0: any free port; the chosen one is printed)")->capture_default_str();
  cmd->add_option("--threads", options->threads, "I/O threads (default: one per core)");
  cmd->add_flag("--watch", options->watch,
                "Re-index when the --notes change, and adopt a new index file moved over --db, without a restart");
  cmd->add_option("--allow-origin", options->allow_origins,
                  "Browser origin allowed to open the WebSocket besides the server's own (\"*\": any)");
  cmd->add_option("--pace-ms", options->pace_ms, "Milliseconds between streamed chunks (0: no pacing)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  cmd->add_option("--max-connections", options->max_connections, "Open connections before new ones get 503")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--rate-limit", options->rate_limit, "Messages per second per connection (0: unlimited)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--rate-burst", options->rate_burst, "Messages a connection may send at once")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--header-timeout", options->header_timeout,
                  "Seconds a client may take to send a request's header (slower ones are disconnected)")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
  cmd->add_option("--log-level", options->log_level, "trace, debug, info, warn, error")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  cmd->add_option("--integrations-config", options->integrations_config,
                  "File with QABOT_SLACK_SIGNING_SECRET=… / QABOT_DISCORD_PUBLIC_KEY=… lines (chmod 600); "
                  "the same variables are read from the environment (docs/integrations.md)");
  cmd->add_option("--public-url", options->public_url,
                  "Where Slack/Discord users reach this server (http(s)://host[:port][/path]): note images in "
                  "their answers link to its /notes/ route (without it: the images' alt text)")
      ->check([](const std::string& url) {
        return integrations::parse_public_url(url) ? std::string()
                                                   : "--public-url must be an http:// or https:// URL with a host, "
                                                     "without user info, query or fragment: " +
                                                         url;
      });
  cmd->add_option("--state", options->state,
                  "Quiz progress and gaps log: sqlite:PATH, PATH or postgres://… (default: qabot-state.db next to "
                  "--db)");
  cmd->add_flag("--no-gaps-log", options->no_gaps_log,
                "Do not record unanswered questions (the gaps log is local and never sent anywhere)");
  cmd->callback([options] {
    if (const int rc = run_serve(*options); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace qabot::app
