#include "server/metrics.hpp"

#include <gtest/gtest.h>

#include "qabot/version.hpp"
#include "server/process_stats.hpp"

#include <ctime>
#include <string>

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

TEST(MetricsTest, ResponsesAreCountedByRouteFromABoundedSet) {
  EXPECT_EQ(Metrics::route_of("/api/ask"), "/api/ask");
  EXPECT_EQ(Metrics::route_of("/notes/notes/ml/images/x.png"), "/notes");
  EXPECT_EQ(Metrics::route_of("/integrations/slack/commands"), "/integrations/slack");
  EXPECT_EQ(Metrics::route_of("/integrations/discord"), "/integrations/discord");
  // Anything a client makes up shares one label: it cannot create series.
  EXPECT_EQ(Metrics::route_of("/api/askx"), "other");
  EXPECT_EQ(Metrics::route_of("/random/" + std::string(100, 'x')), "other");
  EXPECT_EQ(Metrics::route_of("/app.js"), "other");
  Metrics m;
  m.http_response("/api/ask", 200);
  m.http_response("/api/ask", 429);
  m.http_response(Metrics::route_of("/nope"), 404);
  const auto text = m.prometheus_text();
  EXPECT_TRUE(has_line(text, "qabot_http_responses_total{route=\"/api/ask\",class=\"2xx\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "qabot_http_responses_total{route=\"/api/ask\",class=\"4xx\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "qabot_http_responses_total{route=\"other\",class=\"4xx\"} 1")) << text;
}

TEST(MetricsTest, SignatureFailuresAndTheBuild) {
  Metrics m;
  m.signature_failure(Channel::Slack);
  m.signature_failure(Channel::Slack);
  const auto text = m.prometheus_text();
  EXPECT_TRUE(has_line(text, "qabot_signature_failures_total{channel=\"slack\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "qabot_signature_failures_total{channel=\"discord\"} 0")) << text;
  EXPECT_TRUE(has_line(text, std::string("qabot_build_info{version=\"") + kVersion + "\"} 1")) << text;
}

// Read from /proc: this test process has resident memory, open descriptors (stdin, stdout, stderr at
// least), some CPU time and a start time in the past.
TEST(MetricsTest, ProcessFiguresAreReadFromProc) {
  const auto stats = ProcessStats::read();
  ASSERT_TRUE(stats.resident_bytes && stats.open_fds && stats.cpu_seconds && stats.start_time_unix);
  EXPECT_GT(*stats.resident_bytes, 1024.0 * 1024);
  EXPECT_GE(*stats.open_fds, 3.0);
  EXPECT_GE(*stats.cpu_seconds, 0.0);
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(*stats.start_time_unix, now + 1);
  EXPECT_GT(*stats.start_time_unix, now - 24 * 3600.0);
  const auto text = stats.prometheus_text();
  for (const char* name : {"process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds",
                           "process_start_time_seconds"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
    EXPECT_NE(text.find(std::string("\n") + name + " "), std::string::npos) << name;
  }
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
