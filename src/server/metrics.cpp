#include "server/metrics.hpp"

#include "text/cache_gauge.hpp"

#include <sstream>

namespace qabot::server {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;

constexpr std::array<ErrorCode, 8> kAllCodes = {ErrorCode::BadJson,     ErrorCode::BadRequest, ErrorCode::TooLarge,
                                                ErrorCode::RateLimited, ErrorCode::Overloaded, ErrorCode::Internal,
                                                ErrorCode::NoQuiz,      ErrorCode::StateUnavailable};

}  // namespace

void Metrics::connection_opened(Connection kind) {
  if (kind == Connection::Http) {
    http_open_.fetch_add(1, relaxed);
    http_total_.fetch_add(1, relaxed);
  } else {
    ws_open_.fetch_add(1, relaxed);
    ws_total_.fetch_add(1, relaxed);
  }
}

void Metrics::connection_closed(Connection kind) {
  (kind == Connection::Http ? http_open_ : ws_open_).fetch_sub(1, relaxed);
}

void Metrics::connection_rejected() { rejected_.fetch_add(1, relaxed); }
void Metrics::origin_refused() { origin_refused_.fetch_add(1, relaxed); }

void Metrics::ask_completed(std::chrono::nanoseconds retrieval_time) {
  asks_.fetch_add(1, relaxed);
  latency_sum_ns_.fetch_add(static_cast<std::uint64_t>(retrieval_time.count()), relaxed);
  const double seconds = std::chrono::duration<double>(retrieval_time).count();
  // Stored per bucket (not cumulative); the text output accumulates.
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      latency_buckets_[i].fetch_add(1, relaxed);
      return;
    }
  }
}

void Metrics::error(ErrorCode code) { errors_[static_cast<std::size_t>(code)].fetch_add(1, relaxed); }

void Metrics::http_response(unsigned status) {
  const std::size_t cls = status / 100;
  if (cls < kStatusClasses) responses_[cls].fetch_add(1, relaxed);
}

void Metrics::reload(bool ok) { (ok ? reloads_ok_ : reloads_failed_).fetch_add(1, relaxed); }

std::int64_t Metrics::open_connections() const { return http_open_.load(relaxed) + ws_open_.load(relaxed); }

std::uint64_t Metrics::errors_total(ErrorCode code) const { return errors_[static_cast<std::size_t>(code)].load(relaxed); }

// Every bounded cache and store (text::CacheGauges), summed over its instances (one per engine,
// per analyzer or per connection), with its bound beside it.
void Metrics::write_caches(std::ostream& out) {
  const auto caches = text::CacheGauges::totals();
  const std::pair<const char*, std::size_t text::CacheGauges::Total::*> series[] = {
      {"qabot_cache_entries", &text::CacheGauges::Total::entries},
      {"qabot_cache_bytes", &text::CacheGauges::Total::bytes},
      {"qabot_cache_max_entries", &text::CacheGauges::Total::max_entries},
      {"qabot_cache_max_bytes", &text::CacheGauges::Total::max_bytes},
      {"qabot_cache_instances", &text::CacheGauges::Total::instances}};
  for (const auto& [name, field] : series) {
    out << "# HELP " << name << " Bounded caches and stores (docs/architecture.md, Memory bounds), summed over instances.\n"
        << "# TYPE " << name << " gauge\n";
    for (const auto& c : caches) out << name << "{cache=\"" << c.name << "\"} " << c.*field << '\n';
  }
}

std::string Metrics::prometheus_text() const {
  std::ostringstream out;
  out << "# HELP qabot_connections Open connections by kind (HTTP connections that upgraded count as websocket).\n"
         "# TYPE qabot_connections gauge\n"
      << "qabot_connections{kind=\"http\"} " << http_open_.load(relaxed) << '\n'
      << "qabot_connections{kind=\"websocket\"} " << ws_open_.load(relaxed) << '\n'
      << "# HELP qabot_connections_total Connections accepted by kind.\n"
         "# TYPE qabot_connections_total counter\n"
      << "qabot_connections_total{kind=\"http\"} " << http_total_.load(relaxed) << '\n'
      << "qabot_connections_total{kind=\"websocket\"} " << ws_total_.load(relaxed) << '\n'
      << "# HELP qabot_connections_rejected_total Connections refused with 503 over --max-connections.\n"
         "# TYPE qabot_connections_rejected_total counter\n"
      << "qabot_connections_rejected_total " << rejected_.load(relaxed) << '\n'
      << "# HELP qabot_websocket_origin_refused_total WebSocket upgrades refused with 403 for their Origin.\n"
         "# TYPE qabot_websocket_origin_refused_total counter\n"
      << "qabot_websocket_origin_refused_total " << origin_refused_.load(relaxed) << '\n'
      << "# HELP qabot_asks_total Questions answered (WebSocket and HTTP).\n"
         "# TYPE qabot_asks_total counter\n"
      << "qabot_asks_total " << asks_.load(relaxed) << '\n'
      << "# HELP qabot_ask_duration_seconds Retrieval time of one ask (on a worker or an io thread).\n"
         "# TYPE qabot_ask_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    cumulative += latency_buckets_[i].load(relaxed);
    out << "qabot_ask_duration_seconds_bucket{le=\"" << kLatencyBuckets[i] << "\"} " << cumulative << '\n';
  }
  const std::uint64_t count = asks_.load(relaxed);
  out << "qabot_ask_duration_seconds_bucket{le=\"+Inf\"} " << count << '\n'
      << "qabot_ask_duration_seconds_sum " << static_cast<double>(latency_sum_ns_.load(relaxed)) / 1e9 << '\n'
      << "qabot_ask_duration_seconds_count " << count << '\n'
      << "# HELP qabot_errors_total Protocol errors sent, by code.\n"
         "# TYPE qabot_errors_total counter\n";
  for (ErrorCode code : kAllCodes) out << "qabot_errors_total{code=\"" << to_string(code) << "\"} " << errors_total(code) << '\n';
  out << "# HELP qabot_http_responses_total HTTP responses by status class.\n"
         "# TYPE qabot_http_responses_total counter\n";
  for (std::size_t cls = 1; cls < kStatusClasses; ++cls) {
    out << "qabot_http_responses_total{class=\"" << cls << "xx\"} " << responses_[cls].load(relaxed) << '\n';
  }
  out << "# HELP qabot_reloads_total Index reloads by --watch, by outcome.\n"
         "# TYPE qabot_reloads_total counter\n"
      << "qabot_reloads_total{result=\"ok\"} " << reloads_ok_.load(relaxed) << '\n'
      << "qabot_reloads_total{result=\"failed\"} " << reloads_failed_.load(relaxed) << '\n';
  write_caches(out);
  return out.str();
}

}  // namespace qabot::server
