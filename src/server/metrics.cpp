#include "server/metrics.hpp"

#include "qabot/version.hpp"
#include "text/cache_gauge.hpp"

#include <sstream>

#include <fmt/format.h>

namespace qabot::server {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;

constexpr std::array<ErrorCode, 8> kAllCodes = {ErrorCode::BadJson,     ErrorCode::BadRequest,      ErrorCode::TooLarge,
                                                ErrorCode::RateLimited, ErrorCode::Overloaded,      ErrorCode::Internal,
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

void Metrics::ask_completed(Channel channel, AskEnd end, std::chrono::nanoseconds retrieval_time) {
  const auto c = static_cast<std::size_t>(channel);
  asks_[c][static_cast<std::size_t>(end)].fetch_add(1, relaxed);
  Latency& l = latency_[c];
  l.count.fetch_add(1, relaxed);
  l.sum_ns.fetch_add(static_cast<std::uint64_t>(retrieval_time.count()), relaxed);
  const double seconds = std::chrono::duration<double>(retrieval_time).count();
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      l.buckets[i].fetch_add(1, relaxed);
      return;
    }
  }
}

std::uint64_t Metrics::asks_total() const {
  std::uint64_t n = 0;
  for (const auto& by_end : asks_)
    for (const auto& count : by_end) n += count.load(relaxed);
  return n;
}

std::uint64_t Metrics::asks_total(Channel channel, AskEnd end) const {
  return asks_[static_cast<std::size_t>(channel)][static_cast<std::size_t>(end)].load(relaxed);
}

void Metrics::error(ErrorCode code) { errors_[static_cast<std::size_t>(code)].fetch_add(1, relaxed); }

std::string_view Metrics::route_of(std::string_view path) {
  for (std::string_view route : kRoutes) {
    if (route == "other") break;
    if (path == route || (path.starts_with(route) && path.size() > route.size() && path[route.size()] == '/'))
      return route;
  }
  return "other";
}

void Metrics::http_response(std::string_view route, unsigned status) {
  std::size_t r = 0;
  while (r + 1 < kRoutes.size() && kRoutes[r] != route) ++r;  // unknown: "other", the last
  const std::size_t cls = status / 100;
  if (cls < kStatusClasses) responses_[r][cls].fetch_add(1, relaxed);
}

void Metrics::signature_failure(Channel channel) {
  signature_failures_[static_cast<std::size_t>(channel)].fetch_add(1, relaxed);
}

void Metrics::reload(bool ok) { (ok ? reloads_ok_ : reloads_failed_).fetch_add(1, relaxed); }

std::int64_t Metrics::open_connections() const { return http_open_.load(relaxed) + ws_open_.load(relaxed); }

std::uint64_t Metrics::errors_total(ErrorCode code) const {
  return errors_[static_cast<std::size_t>(code)].load(relaxed);
}

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
    out << "# HELP " << name
        << " Bounded caches and stores (docs/architecture.md, Memory bounds), summed over instances.\n"
        << "# TYPE " << name << " gauge\n";
    for (const auto& c : caches) out << name << "{cache=\"" << c.name << "\"} " << c.*field << '\n';
  }
}

// Asks by channel and outcome, and each channel's latency histogram. Sums and bucket bounds are
// printed in the shortest form that reads back exactly (fmt), never rounded to six digits.
void Metrics::write_asks(std::ostream& out) const {
  out << "# HELP qabot_asks_total Questions searched in the notes, by channel and by how the ask ended.\n"
         "# TYPE qabot_asks_total counter\n";
  for (Channel channel : kServerChannels) {
    for (AskEnd end : kAskEnds) {
      out << "qabot_asks_total{channel=\"" << to_string(channel) << "\",outcome=\"" << to_string(end) << "\"} "
          << asks_total(channel, end) << '\n';
    }
  }
  out << "# HELP qabot_ask_duration_seconds Time to answer one ask (retrieval and rendering), by channel.\n"
         "# TYPE qabot_ask_duration_seconds histogram\n";
  for (Channel channel : kServerChannels) {
    const Latency& l = latency_[static_cast<std::size_t>(channel)];
    const std::string label = fmt::format("channel=\"{}\"", to_string(channel));
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      cumulative += l.buckets[i].load(relaxed);
      out << fmt::format("qabot_ask_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", label, kLatencyBuckets[i],
                         cumulative);
    }
    const std::uint64_t count = l.count.load(relaxed);
    out << fmt::format("qabot_ask_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", label, count)
        << fmt::format("qabot_ask_duration_seconds_sum{{{}}} {}\n", label,
                       static_cast<double>(l.sum_ns.load(relaxed)) / 1e9)
        << fmt::format("qabot_ask_duration_seconds_count{{{}}} {}\n", label, count);
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
      << "qabot_websocket_origin_refused_total " << origin_refused_.load(relaxed) << '\n';
  write_asks(out);
  out << "# HELP qabot_errors_total Protocol errors sent, by code.\n"
         "# TYPE qabot_errors_total counter\n";
  for (ErrorCode code : kAllCodes)
    out << "qabot_errors_total{code=\"" << to_string(code) << "\"} " << errors_total(code) << '\n';
  out << "# HELP qabot_http_responses_total HTTP responses by route and status class.\n"
         "# TYPE qabot_http_responses_total counter\n";
  for (std::size_t r = 0; r < kRoutes.size(); ++r) {
    for (std::size_t cls = 1; cls < kStatusClasses; ++cls) {
      out << "qabot_http_responses_total{route=\"" << kRoutes[r] << "\",class=\"" << cls << "xx\"} "
          << responses_[r][cls].load(relaxed) << '\n';
    }
  }
  out << "# HELP qabot_signature_failures_total Chat integration requests refused for their signature.\n"
         "# TYPE qabot_signature_failures_total counter\n";
  for (Channel channel : {Channel::Slack, Channel::Discord}) {
    out << "qabot_signature_failures_total{channel=\"" << to_string(channel) << "\"} "
        << signature_failures_[static_cast<std::size_t>(channel)].load(relaxed) << '\n';
  }
  out << "# HELP qabot_build_info The running build (value 1).\n"
         "# TYPE qabot_build_info gauge\n"
      << "qabot_build_info{version=\"" << kVersion << "\"} 1\n";
  out << "# HELP qabot_reloads_total Index reloads by --watch, by outcome.\n"
         "# TYPE qabot_reloads_total counter\n"
      << "qabot_reloads_total{result=\"ok\"} " << reloads_ok_.load(relaxed) << '\n'
      << "qabot_reloads_total{result=\"failed\"} " << reloads_failed_.load(relaxed) << '\n';
  write_caches(out);
  return out.str();
}

}  // namespace qabot::server
