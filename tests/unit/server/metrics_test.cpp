#include "server/metrics.hpp"

#include <gtest/gtest.h>

namespace qabot::server {
namespace {

using namespace std::chrono_literals;

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(MetricsTest, CountsConnectionsByKind) {
  Metrics m;
  m.connection_opened(Metrics::Connection::Http);
  m.connection_opened(Metrics::Connection::WebSocket);
  m.connection_opened(Metrics::Connection::WebSocket);
  m.connection_closed(Metrics::Connection::WebSocket);
  EXPECT_EQ(m.open_connections(), 2);
  const auto text = m.prometheus_text();
  EXPECT_TRUE(has_line(text, "qabot_connections{kind=\"websocket\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "qabot_connections_total{kind=\"websocket\"} 2")) << text;
}

TEST(MetricsTest, LatencyHistogramIsCumulativeAndPerChannel) {
  Metrics m;
  m.ask_completed(Channel::WebSocket, AskEnd::Matched, 50us);
  m.ask_completed(Channel::WebSocket, AskEnd::Matched, 200us);
  m.ask_completed(Channel::WebSocket, AskEnd::Unmatched, 3ms);
  m.ask_completed(Channel::WebSocket, AskEnd::Error, 2s);
  m.ask_completed(Channel::Slack, AskEnd::Clarify, 3ms);
  const auto text = m.prometheus_text();
  EXPECT_TRUE(has_line(text, "qabot_ask_duration_seconds_bucket{channel=\"ws\",le=\"0.0001\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "qabot_ask_duration_seconds_bucket{channel=\"ws\",le=\"0.00025\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "qabot_ask_duration_seconds_bucket{channel=\"ws\",le=\"0.005\"} 3")) << text;
  EXPECT_TRUE(has_line(text, "qabot_ask_duration_seconds_bucket{channel=\"ws\",le=\"1\"} 3")) << text;
  EXPECT_TRUE(has_line(text, "qabot_ask_duration_seconds_bucket{channel=\"ws\",le=\"+Inf\"} 4")) << text;
  EXPECT_TRUE(has_line(text, "qabot_ask_duration_seconds_count{channel=\"ws\"} 4")) << text;
  EXPECT_TRUE(has_line(text, "qabot_ask_duration_seconds_count{channel=\"slack\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "qabot_ask_duration_seconds_count{channel=\"http\"} 0")) << text;
  // The sum at full precision: 50 µs + 200 µs + 3 ms + 2 s, not rounded to six digits.
  EXPECT_TRUE(has_line(text, "qabot_ask_duration_seconds_sum{channel=\"ws\"} 2.00325")) << text;
}

TEST(MetricsTest, AsksAreCountedByChannelAndOutcome) {
  Metrics m;
  m.ask_completed(Channel::WebSocket, AskEnd::Matched, 1ms);
  m.ask_completed(Channel::WebSocket, AskEnd::Matched, 1ms);
  m.ask_completed(Channel::Http, AskEnd::Unmatched, 1ms);
  m.ask_completed(Channel::Discord, AskEnd::Clarify, 1ms);
  m.ask_completed(Channel::Cli, AskEnd::Matched, 1ms);  // counted, never printed: a server has no CLI asks
  EXPECT_EQ(m.asks_total(), 5u);
  EXPECT_EQ(m.asks_total(Channel::WebSocket, AskEnd::Matched), 2u);
  const auto text = m.prometheus_text();
  EXPECT_TRUE(has_line(text, "qabot_asks_total{channel=\"ws\",outcome=\"matched\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "qabot_asks_total{channel=\"http\",outcome=\"unmatched\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "qabot_asks_total{channel=\"discord\",outcome=\"clarify\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "qabot_asks_total{channel=\"slack\",outcome=\"error\"} 0")) << text;
  EXPECT_EQ(text.find("channel=\"cli\""), std::string::npos) << text;
}

TEST(MetricsTest, ErrorsByCode) {
  Metrics m;
  m.error(ErrorCode::RateLimited);
  m.error(ErrorCode::RateLimited);
  m.error(ErrorCode::BadJson);
  EXPECT_EQ(m.errors_total(ErrorCode::RateLimited), 2u);
  const auto text = m.prometheus_text();
  EXPECT_TRUE(has_line(text, "qabot_errors_total{code=\"rate_limited\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "qabot_errors_total{code=\"bad_json\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "qabot_errors_total{code=\"internal\"} 0")) << text;
}

TEST(MetricsTest, EveryMetricHasHelpAndType) {
  const auto text = Metrics().prometheus_text();
  for (const char* name : {"qabot_connections", "qabot_asks_total", "qabot_ask_duration_seconds", "qabot_errors_total",
                           "qabot_http_responses_total", "qabot_reloads_total"}) {
    EXPECT_NE(text.find(std::string("# HELP ") + name + " "), std::string::npos) << name;
    EXPECT_NE(text.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace qabot::server
