#pragma once
// Everything `qabot serve` can be told, with the defaults of docs/protocol.md.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "integrations/integrations_config.hpp"
#include "integrations/webhook.hpp"
#include "server/answer_engine.hpp"
#include "server/answer_pool.hpp"
#include "server/follow_up_options.hpp"
#include "server/protocol.hpp"
#include "state/state_store.hpp"

namespace qabot::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0: an ephemeral port, see Server::port()
  std::size_t io_threads = 0;  // 0: one per core
  std::size_t workers = 0;     // retrieval threads; 0: min(io_threads, 4)

  std::filesystem::path db = "qabot.db";
  EngineFactory engine_factory;  // required

  std::vector<std::string> allowed_origins;  // besides the server's own; "*" allows all
  std::size_t max_connections = 10000;
  double rate_per_second = 20;  // WebSocket messages and /api/ask requests, per connection; 0: no limit
  double rate_burst = 40;

  std::chrono::milliseconds pace{20};  // between deltas; 0: send them all at once
  std::size_t delta_chunks = 20;       // an answer is cut into about this many deltas

  std::size_t max_message_bytes = 64 * 1024;  // WebSocket frame/message; over → close 1009
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_queue_bytes = 1024 * 1024;  // outgoing per connection; over → disconnect
  std::size_t max_queue_messages = 1024;
  std::size_t max_asks_in_flight = 64;  // per WebSocket; over → "overloaded"
  std::size_t max_queued_jobs = 4096;   // worker pool queue; over → "overloaded"
  InlineAskPolicy inline_asks;          // when an io thread answers an ask itself (AnswerPool)
  // A slow client (slowloris) holds a connection only this long: the request line and headers,
  // counted from when the server starts waiting for them (so also an idle keep-alive connection),
  // must arrive within header_timeout; the body then within http_timeout, as must each response write.
  std::chrono::milliseconds header_timeout{30000};
  std::chrono::seconds http_timeout{30};
  std::chrono::milliseconds drain_timeout{5000};
  bool handle_signals = false;  // SIGINT/SIGTERM → graceful shutdown

  // --watch: rebuild_index(out) writes a fresh index of the notes to `out`; the server verifies it,
  // renames it over `db` and reloads the workers.
  std::vector<std::filesystem::path> watch_paths;
  std::function<void(const std::filesystem::path& out)> rebuild_index;
  std::chrono::milliseconds debounce{300};
  // --watch: also adopt a new index file moved over `db` by someone else (a replica being rolled to
  // a new index): it is opened once to prove it works, then the workers reopen.
  bool watch_index = false;

  ProtocolLimits limits;

  // Per-user state (quiz progress, pending questions, the gaps log), shared by every replica that
  // opens the same store. Null: quiz requests answer state_unavailable and no gaps are logged.
  std::shared_ptr<state::StateStore> state;
  // Record asks without a confident answer in `state` (`qabot gaps`); --no-gaps-log turns it off.
  bool log_gaps = true;

  // Slack and Discord webhooks (docs/integrations.md): each off while its secret is empty, and its
  // routes then answer 404. Their bodies may be larger than an ask: Slack echoes the clicked message.
  integrations::IntegrationsConfig integrations;
  std::size_t max_integration_body_bytes = 1024 * 1024;
  // Slack button clicks are answered by an HTTPS POST to the click's response_url. With Slack on,
  // the server delivers them itself (FollowUpSender on its io_context) with these options; nullopt
  // turns delivery off (follow-ups are then logged and dropped).
  std::optional<FollowUpOptions> slack_delivery = FollowUpOptions{};
  // Replaces the built-in delivery when set (tests collect follow-ups this way). Called on a worker
  // thread: must not block.
  std::function<void(integrations::FollowUp)> slack_follow_up;
};

}  // namespace qabot::server
