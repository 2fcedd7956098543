// The real server over a real index built from the bundled notes: retrieval through every layer,
// load, and hot reload while a client stays connected.

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "server/metrics.hpp"
#include "server/reloader.hpp"
#include "server/server.hpp"
#include "server_fixture.hpp"
#include "store/index_builder.hpp"
#include "test_client.hpp"

namespace qabot::server::testing {
namespace {

namespace fs = std::filesystem;

class EndToEndTest : public ServerFixture {
 protected:
  void SetUp() override {
    notes_ = dir_.path() / "notes";
    fs::create_directories(notes_);
    fs::copy_file(fs::path(QABOT_SOURCE_DIR) / "data" / "interview-notes.md", notes_ / "interview-notes.md");
    db_ = dir_.path() / "qabot.db";
    store::IndexBuilder(db_).build({notes_});
  }

  void start(bool watch = false) {
    ServerConfig c = loopback_config(db_);
    c.rebuild_index = [notes = notes_](const fs::path& out) { store::IndexBuilder(out).build({notes}); };
    if (watch) c.watch_paths = {notes_};
    c.debounce = 100ms;
    ServerFixture::start(std::move(c));
  }

  TempDir dir_;
  fs::path notes_;
  fs::path db_;
};

json ask(const std::string& id, const std::string& text) {
  return {{"type", "ask"}, {"id", id}, {"text", text}, {"top_k", 3}};
}

TEST_F(EndToEndTest, AnswersBnOverWebSocket) {
  start();
  WsClient c(port());
  const auto hello = c.read();
  EXPECT_EQ(hello["type"], "hello");
  EXPECT_GT(hello["questions"].get<int>(), 10);
  c.send(ask("bn", "BN有什么作用"));
  const auto messages = c.read_until_done("bn");
  const auto& result = messages.front();
  ASSERT_EQ(result["type"], "result");
  EXPECT_EQ(result["matched"], true);
  ASSERT_FALSE(result["hits"].empty());
  EXPECT_EQ(result["hits"][0]["question"], "BN有什么作用");
  for (const char* field : {"id", "question", "category", "score", "confidence", "source"}) {
    EXPECT_TRUE(result["hits"][0].contains(field)) << field;
  }
  std::string joined;
  for (std::size_t i = 1; i + 1 < messages.size(); ++i) {
    EXPECT_EQ(messages[i]["type"], "delta");
    joined += messages[i]["text"].get<std::string>();
  }
  const auto& done = messages.back();
  EXPECT_EQ(done["type"], "done");
  EXPECT_EQ(joined, done["answer"]);
  EXPECT_NE(joined.find("过拟合"), std::string::npos);
  EXPECT_NE(done["html"].get<std::string>().find("<p>"), std::string::npos);
}

TEST_F(EndToEndTest, AnswersOverHttp) {
  start();
  const auto res = http_request(port(), http::verb::post, "/api/ask", R"({"text":"BN有什么作用"})");
  ASSERT_EQ(res.result(), http::status::ok);
  const auto body = json::parse(res.body());
  EXPECT_EQ(body["matched"], true);
  EXPECT_NE(body["answer"].get<std::string>().find("过拟合"), std::string::npos);
  const auto questions = json::parse(http_request(port(), http::verb::get, "/api/questions").body());
  EXPECT_FALSE(questions.empty());
  const auto health = json::parse(http_request(port(), http::verb::get, "/healthz").body());
  EXPECT_EQ(health["status"], "ok");
  EXPECT_GT(health["questions"].get<int>(), 10);
}

TEST_F(EndToEndTest, TwoHundredConnectionsFiveAsksEach) {
  start();
  constexpr int kThreads = 4, kPerThread = 50, kAsks = 5;
  const std::vector<std::string> questions = {"BN有什么作用", "pooling作用", "数据不均衡该怎么处理", "激活函数的用处",
                                              "AP计算方式"};
  std::atomic<int> matched{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      try {
        std::vector<std::unique_ptr<WsClient>> clients;
        for (int i = 0; i < kPerThread; ++i) {
          clients.push_back(std::make_unique<WsClient>(port()));
          clients.back()->read();
        }
        for (auto& c : clients) {
          for (int a = 0; a < kAsks; ++a) c->send(ask(std::to_string(t) + "/" + std::to_string(a), questions[a]));
        }
        for (auto& c : clients) {
          std::vector<std::string> ids;
          for (int a = 0; a < kAsks; ++a) ids.push_back(std::to_string(t) + "/" + std::to_string(a));
          for (const auto& m : c->read_until_all_done(ids, 30s)) {
            if (m["type"] == "result" && m["matched"] == true) ++matched;
          }
        }
      } catch (const std::exception& e) {
        ADD_FAILURE() << "client thread " << t << ": " << e.what();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(matched, kThreads * kPerThread * kAsks);
}

TEST_F(EndToEndTest, HotReloadWhileConnected) {
  start(/*watch=*/true);
  WsClient c(port());
  const int before = c.read()["questions"];
  const std::string question = "热重载之后才出现的问题是什么";
  c.send(ask("before", question));
  auto first = c.read_until_done("before");
  ASSERT_EQ(first.front()["type"], "result");
  {
    std::ofstream out(notes_ / "interview-notes.md", std::ios::app);
    out << "\n\n## 热重载\n\n### " << question << "\n\n热重载的答案：索引在后台重建并原子替换。\n";
  }
  int n = 0;
  const bool found = eventually(
      [&] {
        const std::string id = "poll" + std::to_string(n++);
        c.send(ask(id, question));
        const auto got = c.read_until_done(id);
        // Any reply may come while the index is rebuilt (an unmatched result, an error): read it
        // with value(), which a missing key cannot take past the object (const operator[] would).
        const auto& r = got.front();
        const json hits = r.value("hits", json::array());
        return r.value("matched", false) && !hits.empty() && hits[0].value("question", "") == question &&
               got.back().value("answer", "").find("原子替换") != std::string::npos;
      },
      20s);
  EXPECT_TRUE(found);
  EXPECT_GE(server_->reloader()->succeeded(), 1u);
  const auto health = json::parse(http_request(port(), http::verb::get, "/healthz").body());
  EXPECT_EQ(health["questions"].get<int>(), before + 1);
  WsClient fresh(port());
  EXPECT_EQ(fresh.read()["questions"].get<int>(), before + 1);
}

// Follow-ups over real sockets: the connection's own context, relay sessions kept apart, /api/ask.
TEST_F(EndToEndTest, FollowUpsPerConnectionAndPerSession) {
  start();
  WsClient c(port());
  c.read();  // hello
  auto result_of = [&c](json ask_message) {
    const std::string id = ask_message["id"];
    c.send(ask_message);
    return c.read_until_done(id).front();
  };
  auto in_session = [](json m, const std::string& session) {
    m["session"] = session;
    return m;
  };
  // The connection's own conversation.
  EXPECT_FALSE(result_of(ask("1", "什么是面向对象")).contains("followup"));
  auto follow = result_of(ask("2", "它有什么劣势"));
  ASSERT_TRUE(follow.contains("followup")) << follow.dump();
  EXPECT_EQ(follow["followup"]["previous"], "什么是面向对象");
  EXPECT_NE(follow["hits"][0]["question"].get<std::string>().find("面向对象"), std::string::npos);

  // Two relay users on the same connection: alice talks about BN, bob about ResNet.
  result_of(in_session(ask("a1", "BN有什么作用"), "alice"));
  result_of(in_session(ask("b1", "ResNet解决了什么问题"), "bob"));
  auto alice = result_of(in_session(ask("a2", "它的缺点呢"), "alice"));
  auto bob = result_of(in_session(ask("b2", "它的缺点呢"), "bob"));
  EXPECT_EQ(alice["followup"]["previous"], "BN有什么作用") << alice.dump();
  EXPECT_EQ(bob["followup"]["previous"], "ResNet解决了什么问题") << bob.dump();
  // A new session has nothing to lean on, and an unrelated question carries nothing.
  EXPECT_FALSE(result_of(in_session(ask("c1", "它的缺点呢"), "carol")).contains("followup"));
  EXPECT_FALSE(result_of(in_session(ask("a3", "什么是过拟合"), "alice")).contains("followup"));
}

TEST_F(EndToEndTest, FollowUpsOverHttpNeedASession) {
  start();
  auto post = [this](const std::string& body) {
    return json::parse(http_request(port(), http::verb::post, "/api/ask", body).body());
  };
  post(R"({"text":"BN有什么作用","session":"u1"})");
  const auto with = post(R"({"text":"它的缺点呢","session":"u1"})");
  ASSERT_TRUE(with.contains("followup")) << with.dump();
  EXPECT_EQ(with["followup"]["carried"], json::array({"bn"}));
  EXPECT_FALSE(post(R"({"text":"它的缺点呢"})").contains("followup"));  // no session: stands alone
  EXPECT_FALSE(post(R"({"text":"它的缺点呢","session":"u2"})").contains("followup"));
}

TEST_F(EndToEndTest, NearTieAsksWhichOneAndAnswersAreHighlighted) {
  start();
  WsClient c(port());
  c.read();
  c.send(ask("tie", "max pooling 和 average pooling 的区别"));
  auto messages = c.read_until_done("tie");
  ASSERT_EQ(messages.size(), 2u);  // result and done: a question is not streamed
  EXPECT_EQ(messages[0]["clarify"], true);
  EXPECT_GE(messages[0]["choices"].get<int>(), 2);
  EXPECT_TRUE(messages[1]["answer"].get<std::string>().starts_with("Did you mean: **")) << messages[1].dump();
  c.send(ask("hl", "ＲｅｓＮｅｔ解決了什麼問題"));  // full-width and Traditional
  messages = c.read_until_done("hl");
  const std::string html = messages.back()["html"];
  EXPECT_NE(html.find("<p><mark>ResNet</mark>提出是为了<mark>解决</mark>"), std::string::npos) << html;
}

}  // namespace
}  // namespace qabot::server::testing
