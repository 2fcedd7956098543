#pragma once
// Counters for GET /metrics (Prometheus text format 0.0.4). Lock-free: updated from io threads and
// workers alike.

#include <array>
#include <atomic>
#include <chrono>
#include <ostream>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/channel.hpp"
#include "server/protocol.hpp"

namespace qabot::server {

class Metrics {
 public:
  enum class Connection { Http, WebSocket };

  void connection_opened(Connection kind);
  void connection_closed(Connection kind);
  void connection_rejected();  // over --max-connections
  void origin_refused();
  // One ask searched in the notes (AskService): counted by channel and how it ended; its time goes
  // into the channel's latency histogram.
  void ask_completed(Channel channel, AskEnd end, std::chrono::nanoseconds retrieval_time);
  void error(ErrorCode code);
  // One HTTP response, by route (route_of) and status class.
  void http_response(std::string_view route, unsigned status);
  // A chat integration's request refused for its signature (Slack's HMAC, Discord's Ed25519).
  void signature_failure(Channel channel);
  void reload(bool ok);

  std::int64_t open_connections() const;
  std::uint64_t asks_total() const;  // every channel, every outcome
  std::uint64_t asks_total(Channel channel, AskEnd end) const;
  std::uint64_t errors_total(ErrorCode code) const;

  std::string prometheus_text() const;

  // The label a request path is counted under: a known route, "/notes" for note images, the chat
  // integrations by platform, "other" for the page's assets and unknown paths (a bounded set: a
  // client cannot create series).
  static std::string_view route_of(std::string_view path);
  static constexpr std::array<std::string_view, 10> kRoutes = {
      "/api/ask", "/api/questions",      "/api/report",           "/healthz", "/metrics", "/ws",
      "/notes",   "/integrations/slack", "/integrations/discord", "other"};

  // Upper bounds of the ask latency histogram, in seconds.
  static constexpr std::array<double, 12> kLatencyBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                             0.01,   0.025,   0.05,   0.1,   0.25,   1.0};

 private:
  static void write_caches(std::ostream& out);
  static constexpr std::size_t kErrorCodes = 8;
  static constexpr std::size_t kStatusClasses = 6;  // 1xx..5xx, index by status / 100

  std::atomic<std::int64_t> http_open_{0};
  std::atomic<std::int64_t> ws_open_{0};
  std::atomic<std::uint64_t> http_total_{0};
  std::atomic<std::uint64_t> ws_total_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> origin_refused_{0};
  // Every Channel, the CLI's included (counted, never printed); Cli is the last.
  static constexpr std::size_t kChannels = static_cast<std::size_t>(Channel::Cli) + 1;
  static constexpr std::size_t kEnds = kAskEnds.size();
  struct Latency {
    std::array<std::atomic<std::uint64_t>, kLatencyBuckets.size()> buckets{};  // per bucket, not cumulative
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  void write_asks(std::ostream& out) const;
  std::array<std::array<std::atomic<std::uint64_t>, kEnds>, kChannels> asks_{};
  std::array<Latency, kChannels> latency_{};
  std::array<std::atomic<std::uint64_t>, kErrorCodes> errors_{};
  std::array<std::array<std::atomic<std::uint64_t>, kStatusClasses>, kRoutes.size()> responses_{};
  std::array<std::atomic<std::uint64_t>, kChannels> signature_failures_{};
  std::atomic<std::uint64_t> reloads_ok_{0};
  std::atomic<std::uint64_t> reloads_failed_{0};
};

}  // namespace qabot::server
