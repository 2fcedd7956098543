// The server over real sockets with a scripted engine: transport, protocol v1, limits, shutdown.
// Retrieval itself is covered by server_end_to_end_test.

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "server/server.hpp"
#include "server_fixture.hpp"
#include "server/shared_state.hpp"
#include "qabot/version.hpp"
#include "server/metrics.hpp"
#include "server/reloader.hpp"
#include "test_client.hpp"

namespace qabot::server::testing {
namespace {

// Answers by keyword so that each test can pick the behaviour it needs:
//   "nomatch…" no match; "slow:N…" takes N ms; "huge" 256 KiB answer; "throw" fails; else a match.
class ScriptedEngine : public AnswerEngine {
 public:
  AskOutcome ask(std::string_view text, int top_k) override {
    if (text == "throw") throw std::runtime_error("scripted failure");
    AskOutcome outcome;
    answer::Answer& out = outcome.answer;
    if (text.starts_with("nomatch")) {
      out.result.matched = false;
      out.result.hits.push_back(hit("最接近的问题"));
      out.markdown = "没有找到足够接近的问题。你是不是想问：最接近的问题？";
      out.html = "<p>没有找到足够接近的问题。</p>";
      return outcome;
    }
    if (text.starts_with("slow:")) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(std::string(text.substr(5)))));
    }
    out.result.matched = true;
    for (int i = 0; i < top_k; ++i) out.result.hits.push_back(hit("问题" + std::to_string(i)));
    if (text == "huge") {
      out.markdown.assign(256 * 1024, 'x');
    } else {
      out.markdown = "**" + std::string(text) +
                     "**：加速训练；防止过拟合；缓解梯度消失爆炸；降低参数初始化要求。😀 "
                     "Batch normalization keeps activations in a stable range.";
    }
    out.html = "<p>" + out.markdown + "</p>";
    return outcome;
  }
  std::int64_t question_count() const override { return 3; }
  json questions_by_category() const override { return {{"深度学习理论", json::array({"BN有什么作用"})}}; }

 private:
  static retrieval::Hit hit(const std::string& q) {
    retrieval::Hit h;
    h.id = 1;
    h.question = q;
    h.category = "A";
    h.score = 1.0;
    h.confidence = 0.9;
    h.source = "n.md:1";
    return h;
  }
};

ServerConfig scripted_config() {
  ServerConfig c = loopback_config("scripted.db");
  c.engine_factory = [](const std::filesystem::path&) { return std::make_unique<ScriptedEngine>(); };
  c.drain_timeout = 2000ms;
  return c;
}

class ServerTest : public ServerFixture {
 protected:
  void start(ServerConfig config = scripted_config()) { ServerFixture::start(std::move(config)); }
};

json ask(const std::string& id, const std::string& text, bool stream = true) {
  return {{"type", "ask"}, {"id", id}, {"text", text}, {"stream", stream}};
}

// Checks one id's replies: result, deltas, done, in that order; returns {deltas joined, done}.
std::pair<std::string, json> check_sequence(const std::vector<json>& messages, const std::string& id) {
  std::string joined;
  json done;
  int stage = 0;  // 0: expect result, 1: deltas or done, 2: finished
  for (const auto& m : messages) {
    if (m.value("id", json()) != id) continue;
    const std::string type = m["type"];
    if (stage == 0) {
      EXPECT_EQ(type, "result") << m;
      stage = 1;
    } else if (stage == 1 && type == "delta") {
      joined += m["text"].get<std::string>();
    } else if (stage == 1 && type == "done") {
      done = m;
      stage = 2;
    } else {
      ADD_FAILURE() << "out of order: " << m;
    }
  }
  EXPECT_EQ(stage, 2) << "no done for " << id;
  return {joined, done};
}

TEST_F(ServerTest, HelloOnOpen) {
  start();
  WsClient c(port());
  EXPECT_EQ(c.read(), json({{"type", "hello"}, {"protocol", 1}, {"questions", 3}, {"version", kVersion}}));
}

TEST_F(ServerTest, AskStreamsResultDeltasThenDone) {
  auto config = scripted_config();
  config.pace = 5ms;
  start(config);
  auto c_owner = connect();
  auto& c = *c_owner;
  c.send({{"type", "ask"}, {"id", "a1"}, {"text", "BN有什么作用"}, {"top_k", 2}});
  const auto messages = c.read_until_done("a1");
  ASSERT_EQ(messages.front()["type"], "result");
  EXPECT_EQ(messages.front()["matched"], true);
  EXPECT_EQ(messages.front()["clarify"], false);
  EXPECT_EQ(messages.front()["hits"].size(), 2u);
  EXPECT_TRUE(messages.front()["corrections"].is_array());
  const auto [joined, done] = check_sequence(messages, "a1");
  EXPECT_GT(messages.size(), 4u);  // several deltas
  EXPECT_EQ(joined, done["answer"]);
  EXPECT_NE(done["html"].get<std::string>().find("<p>"), std::string::npos);
  EXPECT_FALSE(done.contains("cancelled"));
}

TEST_F(ServerTest, PacedStreamFinishesWellUnderASecond) {
  auto config = scripted_config();
  config.pace = 20ms;
  start(config);
  auto c_owner = connect();
  auto& c = *c_owner;
  const auto t0 = std::chrono::steady_clock::now();
  c.send(ask("p", "BN有什么作用"));
  const auto messages = c.read_until_done("p");
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(elapsed, 700ms);
  EXPECT_GT(elapsed, 60ms);  // paced, not all at once
  check_sequence(messages, "p");
}

TEST_F(ServerTest, StreamFalseSendsResultThenDone) {
  start();
  auto c_owner = connect();
  auto& c = *c_owner;
  c.send(ask("s", "BN有什么作用", false));
  const auto messages = c.read_until_done("s");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0]["type"], "result");
  EXPECT_EQ(messages[1]["type"], "done");
  EXPECT_FALSE(messages[1]["answer"].get<std::string>().empty());
}

TEST_F(ServerTest, CheapAsksOnASmallBankAreAnsweredOnTheIoThread) {
  auto config = scripted_config();
  // The mechanism, not the threshold: sanitizer builds make every ask slower.
  config.inline_asks.max_mean = std::chrono::milliseconds(50);
  start(config);
  auto c_owner = connect();
  auto& c = *c_owner;
  for (int i = 0; i < 40; ++i) {
    const std::string id = "q" + std::to_string(i);
    c.send(ask(id, "BN有什么作用", i % 2 == 0));
    const auto messages = c.read_until_done(id);
    ASSERT_GE(messages.size(), 2u);
    EXPECT_EQ(messages.front()["type"], "result");
    EXPECT_FALSE(messages.back()["answer"].get<std::string>().empty());
  }
  const auto res = http_request(port(), http::verb::post, "/api/ask", R"({"text":"BN有什么作用"})");
  EXPECT_EQ(res.result(), http::status::ok);
  const auto metrics = http_request(port(), http::verb::get, "/metrics").body();
  const auto at = metrics.find("\nqabot_asks_inline_total ");
  ASSERT_NE(at, std::string::npos) << metrics;
  // The first ask is timed on a worker; once asks measure cheap, the io thread answers.
  EXPECT_GE(std::stoi(metrics.substr(at + 25)), 10) << metrics;
  EXPECT_NE(metrics.find("qabot_asks_total{channel=\"ws\",outcome=\"matched\"} 40"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("qabot_asks_total{channel=\"http\",outcome=\"matched\"} 1"), std::string::npos) << metrics;
}

TEST_F(ServerTest, NoMatchSendsTheHelpfulMessageInDone) {
  start();
  auto c_owner = connect();
  auto& c = *c_owner;
  c.send(ask("n", "nomatch at all"));
  const auto messages = c.read_until_done("n");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0]["matched"], false);
  EXPECT_NE(messages[1]["answer"].get<std::string>().find("最接近的问题"), std::string::npos);
}

TEST_F(ServerTest, AskWithoutIdGetsNullIds) {
  start();
  auto c_owner = connect();
  auto& c = *c_owner;
  c.send({{"type", "ask"}, {"text", "BN"}, {"stream", false}});
  const auto result = c.read();
  EXPECT_EQ(result["type"], "result");
  EXPECT_TRUE(result["id"].is_null());
  EXPECT_TRUE(c.read()["id"].is_null());
}

TEST_F(ServerTest, TwoIdsInterleaveEachInOrder) {
  auto config = scripted_config();
  config.pace = 10ms;
  start(config);
  auto c_owner = connect();
  auto& c = *c_owner;
  c.send(ask("x", "first question"));
  c.send(ask("y", "second question"));
  const auto all = c.read_until_all_done({"x", "y"});
  const auto [jx, dx] = check_sequence(all, "x");
  const auto [jy, dy] = check_sequence(all, "y");
  EXPECT_EQ(jx, dx["answer"]);
  EXPECT_EQ(jy, dy["answer"]);
  EXPECT_NE(dx["answer"], dy["answer"]);
  // Interleaved: a "y" message arrives between x's result and x's done.
  std::size_t x_result = all.size(), x_done = 0, y_between = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i]["id"] == "x" && all[i]["type"] == "result") x_result = i;
    if (all[i]["id"] == "x" && all[i]["type"] == "done") x_done = i;
  }
  for (std::size_t i = x_result; i < x_done; ++i) y_between += all[i]["id"] == "y";
  EXPECT_GT(y_between, 0u);
}

TEST_F(ServerTest, CancelStopsTheStream) {
  auto config = scripted_config();
  config.pace = 30ms;
  start(config);
  auto c_owner = connect();
  auto& c = *c_owner;
  c.send(ask("c", "BN有什么作用"));
  EXPECT_EQ(c.read()["type"], "result");
  EXPECT_EQ(c.read()["type"], "delta");
  c.send({{"type", "cancel"}, {"id", "c"}});
  const auto messages = c.read_until_done("c", 2s);
  const auto& done = messages.back();
  EXPECT_EQ(done["type"], "done");
  EXPECT_EQ(done["cancelled"], true);
  EXPECT_LT(messages.size(), 5u);  // 20 chunks were planned
  // The connection goes on.
  c.send({{"type", "ping"}});
  EXPECT_EQ(c.read()["type"], "pong");
}

TEST_F(ServerTest, CancelBeforeTheAnswerStillEndsWithCancelledDone) {
  start();
  auto c_owner = connect();
  auto& c = *c_owner;
  c.send(ask("w", "slow:200"));
  c.send({{"type", "cancel"}, {"id", "w"}});
  const auto messages = c.read_until_done("w");
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0]["type"], "result");
  EXPECT_EQ(messages[1]["cancelled"], true);
}

TEST_F(ServerTest, CancelOfUnknownIdIsIgnored) {
  start();
  auto c_owner = connect();
  auto& c = *c_owner;
  c.send({{"type", "cancel"}, {"id", "never-asked"}});
  c.send({{"type", "ping"}});
  EXPECT_EQ(c.read(), json({{"type", "pong"}}));
}

TEST_F(ServerTest, EveryErrorKeepsTheConnectionUsable) {
  start();
  auto c_owner = connect();
  auto& c = *c_owner;
  const std::vector<std::tuple<std::string, std::string, json>> cases = {
      {"{not json", "bad_json", nullptr},
      {"[1,2]", "bad_request", nullptr},
      {R"({"type":"ask","id":"k1","text":42})", "bad_request", "k1"},
      {R"({"type":"ask","id":"k2"})", "bad_request", "k2"},
      {R"({"type":"ask","id":"k3","text":"   "})", "bad_request", "k3"},
      {R"({"type":"ask","id":"k4","text":"x","top_k":0})", "bad_request", "k4"},
      {R"({"type":"ask","id":"k5","text":"x","stream":"no"})", "bad_request", "k5"},
      {R"({"type":"subscribe","id":"k6"})", "bad_request", "k6"},
      {R"({"id":"k7"})", "bad_request", "k7"},
      {json({{"type", "ask"}, {"id", "k8"}, {"text", std::string(5000, 'q')}}).dump(), "too_large", "k8"},
      {json({{"type", "ask"}, {"id", std::string(129, 'i')}, {"text", "x"}}).dump(), "bad_request", nullptr},
      {R"({"type":"ask","id":"k9","text":"throw"})", "internal", "k9"},
  };
  for (const auto& [frame, code, id] : cases) {
    c.send_text(frame);
    const auto e = c.read();
    EXPECT_EQ(e["type"], "error") << frame;
    EXPECT_EQ(e["code"], code) << frame;
    EXPECT_EQ(e["id"], id) << frame;
    EXPECT_TRUE(e["message"].is_string()) << frame;
    c.send({{"type", "ping"}});
    EXPECT_EQ(c.read()["type"], "pong") << "after " << frame;
  }
  EXPECT_GE(server_->metrics().errors_total(ErrorCode::BadRequest), 9u);
}

TEST_F(ServerTest, BinaryFrameIsAnError) {
  start();
  auto c_owner = connect();
  auto& c = *c_owner;
  c.send_binary(R"({"type":"ping"})");
  const auto e = c.read();
  EXPECT_EQ(e["code"], "bad_request");
  c.send({{"type", "ping"}});
  EXPECT_EQ(c.read()["type"], "pong");
}

TEST_F(ServerTest, OversizedMessageClosesWith1009) {
  start();
  auto c_owner = connect();
  auto& c = *c_owner;
  c.send_text(std::string(65 * 1024, ' '));
  const auto ec = c.read_until_closed();
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(c.close_reason().code, websocket::close_code::too_big);
}

TEST_F(ServerTest, InvalidUtf8ClosesWith1007) {
  start();
  auto c_owner = connect();
  auto& c = *c_owner;
  c.send_text("{\"type\":\"ask\",\"text\":\"\xC3\x28\"}");
  const auto ec = c.read_until_closed();
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(c.close_reason().code, websocket::close_code::bad_payload);
}

TEST_F(ServerTest, RateLimitedThenUsableAgain) {
  auto config = scripted_config();
  config.rate_per_second = 2;
  config.rate_burst = 3;
  start(config);
  auto c_owner = connect();
  auto& c = *c_owner;
  for (int i = 0; i < 6; ++i) c.send({{"type", "ping"}});
  int pongs = 0, limited = 0;
  for (int i = 0; i < 6; ++i) {
    const auto m = c.read();
    if (m["type"] == "pong") ++pongs;
    if (m["type"] == "error" && m["code"] == "rate_limited") ++limited;
  }
  EXPECT_GE(pongs, 3);
  EXPECT_GE(limited, 2);
  c.send(ask("r", "x", false));
  const auto e = c.read();
  EXPECT_EQ(e["code"], "rate_limited");
  EXPECT_EQ(e["id"], "r");
  std::this_thread::sleep_for(600ms);
  c.send({{"type", "ping"}});
  EXPECT_EQ(c.read()["type"], "pong");
}

TEST_F(ServerTest, FullWorkerQueueIsOverloaded) {
  auto config = scripted_config();
  config.workers = 1;
  config.max_queued_jobs = 1;
  start(config);
  auto c_owner = connect();
  auto& c = *c_owner;
  for (int i = 0; i < 4; ++i) c.send(ask("o" + std::to_string(i), "slow:150", false));
  int overloaded = 0, done = 0;
  while (overloaded + done < 4) {
    const auto m = c.read();
    if (m["type"] == "error") {
      EXPECT_EQ(m["code"], "overloaded");
      ++overloaded;
    }
    if (m["type"] == "done") ++done;
  }
  EXPECT_GE(overloaded, 1);
  EXPECT_GE(done, 1);
}

TEST_F(ServerTest, TwoHundredConnectionsFiveAsksEach) {
  start();
  constexpr int kThreads = 4, kPerThread = 50, kAsks = 5;
  std::atomic<int> completed{0};
  std::vector<std::thread> threads;
  std::atomic<bool> all_open{false};
  std::atomic<int> opened{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        std::vector<std::unique_ptr<WsClient>> clients;
        for (int i = 0; i < kPerThread; ++i) {
          clients.push_back(std::make_unique<WsClient>(port()));
          EXPECT_EQ(clients.back()->read()["type"], "hello");
          ++opened;
        }
        EXPECT_TRUE(eventually([&] { return opened.load() == kThreads * kPerThread; }, 20s));
        all_open = true;
        for (int i = 0; i < kPerThread; ++i) {
          for (int a = 0; a < kAsks; ++a) {
            clients[i]->send(
                ask(std::to_string(t) + "-" + std::to_string(i) + "-" + std::to_string(a), "BN有什么作用"));
          }
        }
        for (int i = 0; i < kPerThread; ++i) {
          std::vector<std::string> ids;
          for (int a = 0; a < kAsks; ++a)
            ids.push_back(std::to_string(t) + "-" + std::to_string(i) + "-" + std::to_string(a));
          const auto all = clients[i]->read_until_all_done(ids, 20s);
          for (int a = 0; a < kAsks; ++a) {
            const auto [joined, done] =
                check_sequence(all, std::to_string(t) + "-" + std::to_string(i) + "-" + std::to_string(a));
            EXPECT_EQ(joined, done["answer"]);
            ++completed;
          }
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << "client thread " << t << ": " << e.what();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_TRUE(all_open);
  EXPECT_EQ(completed, kThreads * kPerThread * kAsks);
  EXPECT_EQ(server_->metrics().asks_total(), static_cast<std::uint64_t>(kThreads * kPerThread * kAsks));
}

TEST_F(ServerTest, SlowReaderIsDisconnected) {
  auto config = scripted_config();
  config.rate_per_second = 0;
  config.max_queue_bytes = 64 * 1024;
  start(config);
  auto c_owner = connect();
  auto& c = *c_owner;
  try {
    for (int i = 0; i < 60; ++i) c.send(ask("h" + std::to_string(i), "huge"));
  } catch (const std::runtime_error&) {
    // Already disconnected while still sending: that is the point.
  }
  // Not reading: the server's queue fills behind the socket buffers and it hangs up.
  EXPECT_TRUE(eventually([&] { return server_->metrics().open_connections() == 0; }, 10s));
  EXPECT_NE(c.read_until_closed(10s), beast::error_code());
}

TEST_F(ServerTest, ForeignOriginIsRefused) {
  auto config = scripted_config();
  config.allowed_origins = {"https://chat.example.com"};
  start(config);
  const std::string own = "http://127.0.0.1:" + std::to_string(port());
  EXPECT_EQ(WsClient::upgrade_status(port(), {{"Origin", "http://evil.example"}}), 403u);
  EXPECT_EQ(WsClient::upgrade_status(port(), {{"Origin", "http://127.0.0.1:1"}}), 403u);
  EXPECT_EQ(WsClient::upgrade_status(port(), {{"Origin", own}}), 101u);
  EXPECT_EQ(WsClient::upgrade_status(port(), {{"Origin", "https://chat.example.com"}}), 101u);
  EXPECT_EQ(WsClient::upgrade_status(port(), {}), 101u);
  EXPECT_EQ(WsClient::upgrade_status(port(), {}, "/other"), 404u);
}

TEST_F(ServerTest, PathTraversalFindsNothing) {
  start();
  for (std::string target :
       {"/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "//etc/passwd", "/..%2f..%2fetc%2fpasswd",
        "/index.html/../../etc/passwd", "/.%2e/.%2e/etc/passwd", "/web/index.html", "/CMakeLists.txt"}) {
    const auto res = http_request(port(), http::verb::get, target);
    EXPECT_EQ(res.result(), http::status::not_found) << target;
    EXPECT_EQ(res.body().find("root:"), std::string::npos);
  }
}

TEST_F(ServerTest, ServesThePageWithSecurityHeaders) {
  start();
  const auto res = http_request(port(), http::verb::get, "/");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_NE(res[http::field::content_type].find("text/html"), std::string::npos);
  EXPECT_EQ(res["Content-Security-Policy"],
            "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: http: https:");
  EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
  EXPECT_FALSE(res[http::field::cache_control].empty());
  EXPECT_EQ(http_request(port(), http::verb::delete_, "/").result(), http::status::method_not_allowed);
}

TEST_F(ServerTest, HttpApi) {
  start();
  auto res = http_request(port(), http::verb::post, "/api/ask", R"({"text":"BN有什么作用","top_k":2})",
                          {{"Content-Type", "application/json"}});
  ASSERT_EQ(res.result(), http::status::ok);
  const auto body = json::parse(res.body());
  EXPECT_EQ(body["matched"], true);
  EXPECT_EQ(body["hits"].size(), 2u);
  EXPECT_TRUE(body["answer"].is_string());
  EXPECT_TRUE(body["html"].is_string());
  EXPECT_EQ(body["clarify"], false);

  res = http_request(port(), http::verb::post, "/api/ask", "{oops");
  EXPECT_EQ(res.result(), http::status::bad_request);
  EXPECT_EQ(json::parse(res.body())["code"], "bad_json");

  res = http_request(port(), http::verb::get, "/api/ask");
  EXPECT_EQ(res.result(), http::status::method_not_allowed);
  EXPECT_EQ(res[http::field::allow], "POST");

  res = http_request(port(), http::verb::post, "/api/ask", std::string(70 * 1024, 'x'));
  EXPECT_EQ(res.result(), http::status::payload_too_large);

  res = http_request(port(), http::verb::get, "/healthz", "", {{"X-Padding", std::string(9000, 'p')}});
  EXPECT_EQ(res.result(), http::status::request_header_fields_too_large);

  res = http_request(port(), http::verb::get, "/healthz");
  EXPECT_EQ(json::parse(res.body()), json({{"status", "ok"}, {"questions", 3}}));

  res = http_request(port(), http::verb::get, "/api/questions");
  EXPECT_EQ(json::parse(res.body())["深度学习理论"][0], "BN有什么作用");

  res = http_request(port(), http::verb::get, "/metrics");
  EXPECT_NE(res.body().find("qabot_asks_total{channel=\"http\",outcome=\"matched\"} 1"), std::string::npos)
      << res.body();
  EXPECT_NE(res.body().find("qabot_ask_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(res.body().find("\nqabot_bank_questions 3\n"), std::string::npos) << res.body();
  EXPECT_NE(res.body().find("\nqabot_gaps_dropped_total 0\n"), std::string::npos) << res.body();
  EXPECT_NE(res.body().find("\nprocess_resident_memory_bytes "), std::string::npos) << res.body();
  EXPECT_NE(res.body().find("qabot_http_responses_total{route=\"/healthz\",class=\"2xx\"} 1"), std::string::npos)
      << res.body();
  EXPECT_NE(res.body().find("qabot_errors_total{code=\"bad_json\"}"), std::string::npos);

  EXPECT_EQ(http_request(port(), http::verb::get, "/nope").result(), http::status::not_found);
}

TEST_F(ServerTest, OverMaxConnectionsGets503) {
  auto config = scripted_config();
  config.max_connections = 2;
  start(config);
  auto a_owner = connect();
  auto& a = *a_owner;
  auto b_owner = connect();
  const auto res = http_request(port(), http::verb::get, "/healthz");
  EXPECT_EQ(res.result(), http::status::service_unavailable);
  EXPECT_EQ(json::parse(res.body())["code"], "overloaded");
  a.close();
  EXPECT_TRUE(
      eventually([&] { return http_request(port(), http::verb::get, "/healthz").result() == http::status::ok; }));
}

TEST_F(ServerTest, GracefulShutdownFinishesAsksInFlight) {
  auto config = scripted_config();
  config.pace = 5ms;
  start(config);
  auto c_owner = connect();
  auto& c = *c_owner;
  c.send(ask("g", "slow:300"));
  std::this_thread::sleep_for(50ms);
  const auto t0 = std::chrono::steady_clock::now();
  server_->shutdown();
  const auto messages = c.read_until_done("g", 5s);
  const auto [joined, done] = check_sequence(messages, "g");
  EXPECT_EQ(joined, done["answer"]);
  EXPECT_EQ(c.read_until_closed(), websocket::error::closed);
  EXPECT_EQ(c.close_reason().code, websocket::close_code::going_away);
  server_->wait();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_THROW(WsClient(port(), {}, 1s), std::exception);
}

TEST_F(ServerTest, ShutdownDeadlineClosesStragglers) {
  auto config = scripted_config();
  config.drain_timeout = 200ms;
  start(config);
  auto c_owner = connect();
  auto& c = *c_owner;
  c.send(ask("z", "slow:800"));
  std::this_thread::sleep_for(50ms);
  const auto t0 = std::chrono::steady_clock::now();
  server_->shutdown();
  server_->wait();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_NE(c.read_until_closed(2s), beast::error_code());
}

TEST_F(ServerTest, FailedReloadKeepsServing) {
  auto config = scripted_config();
  TempDir dir;
  config.db = dir.path() / "scripted.db";
  config.rebuild_index = [](const std::filesystem::path&) { throw std::runtime_error("notes are broken"); };
  start(config);
  auto c_owner = connect();
  auto& c = *c_owner;
  server_->reload();
  ASSERT_TRUE(eventually([&] { return server_->reloader()->failed() == 1; }));
  c.send(ask("after", "BN有什么作用", false));
  EXPECT_EQ(c.read_until_done("after").back()["type"], "done");
}

}  // namespace
}  // namespace qabot::server::testing
