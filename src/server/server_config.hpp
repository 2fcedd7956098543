#pragma once
// Everything `qabot serve` can be told, with the defaults of docs/protocol.md.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "server/answer_engine.hpp"
#include "server/protocol.hpp"

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
  std::chrono::seconds http_timeout{30};  // whole request read, and keep-alive idle time
  std::chrono::milliseconds drain_timeout{5000};
  bool handle_signals = false;  // SIGINT/SIGTERM → graceful shutdown

  // --watch: rebuild_index(out) writes a fresh index of the notes to `out`; the server verifies it,
  // renames it over `db` and reloads the workers.
  std::vector<std::filesystem::path> watch_paths;
  std::function<void(const std::filesystem::path& out)> rebuild_index;
  std::chrono::milliseconds debounce{300};

  ProtocolLimits limits;
};

}  // namespace qabot::server
