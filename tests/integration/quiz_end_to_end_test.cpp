// Quizzes and the gaps log over the real server: a real index of the bundled
// notes, a real SQLite state file, real WebSocket connections.

#include <gtest/gtest.h>

#include <chrono>

#include "server/server.hpp"
#include "server_fixture.hpp"
#include "state/sqlite_state_store.hpp"
#include "store/index_builder.hpp"
#include "store/question_bank.hpp"
#include "test_client.hpp"

namespace qabot::server::testing {
namespace {

namespace fs = std::filesystem;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class QuizEndToEndTest : public ServerFixture {
 protected:
  void SetUp() override {
    db_ = dir_.path() / "qabot.db";
    store::IndexBuilder(db_).build({fs::path(QABOT_SOURCE_DIR) / "data" / "interview-notes.md"});
    state_ = std::make_shared<state::SqliteStateStore>(dir_.path() / "qabot-state.db");
  }

  void start(bool with_state = true) {
    ServerConfig c = loopback_config(db_);
    if (with_state) c.state = state_;
    ServerFixture::start(std::move(c));
  }

  // The reference answer of a question the server asked, read from the index
  // itself.
  std::string reference(std::int64_t id) const {
    const auto q = store::QuestionBank(db_).get(id);
    return q ? q->answer : std::string();
  }

  // The reply to one request: skips nothing (a quiz request has exactly one
  // reply frame).
  static json request(WsClient& c, const json& message) {
    c.send(message);
    return c.read(10s);
  }

  TempDir dir_;
  fs::path db_;
  std::shared_ptr<state::SqliteStateStore> state_;
};

TEST_F(QuizEndToEndTest, AFullRoundFailThenPass) {
  start();
  WsClient c(port());
  ASSERT_EQ(c.read()["type"], "hello");

  const auto q1 = request(c, {{"type", "quiz"}, {"id", "q1"}, {"user", "alice"}});
  ASSERT_EQ(q1["type"], "quiz_question") << q1.dump();
  EXPECT_EQ(q1["id"], "q1");
  for (const char* f : {"id", "question", "category", "source"}) EXPECT_TRUE(q1["question"].contains(f)) << f;
  EXPECT_EQ(q1["box"], 0);
  EXPECT_EQ(q1["due"], 0);
  EXPECT_GT(q1["new"].get<int>(), 10);

  // A reply naming another question than the pending one is not graded.
  const auto wrong = request(c, {{"type", "quiz_answer"},
                                 {"id", "a0"},
                                 {"user", "alice"},
                                 {"text", "x"},
                                 {"question", q1["question"]["id"].get<std::int64_t>() + 1000}});
  EXPECT_EQ(wrong["code"], "no_quiz") << wrong.dump();

  // A reply with nothing of the answer fails; the card goes to box 0 and comes
  // back within minutes.
  const auto r1 = request(c, {{"type", "quiz_answer"},
                              {"id", "a1"},
                              {"user", "alice"},
                              {"text", "我不知道"},
                              {"question", q1["question"]["id"]}});
  ASSERT_EQ(r1["type"], "quiz_result") << r1.dump();
  EXPECT_EQ(r1["id"], "a1");
  EXPECT_EQ(r1["question"], q1["question"]);
  EXPECT_EQ(r1["passed"], false);
  EXPECT_LT(r1["score"].get<double>(), 0.2);
  EXPECT_TRUE(r1["hit"].empty());
  EXPECT_FALSE(r1["missed"].empty());
  EXPECT_EQ(r1["answer"]["markdown"], reference(q1["question"]["id"].get<std::int64_t>()));
  EXPECT_NE(r1["answer"]["html"].get<std::string>().find("<"), std::string::npos);
  EXPECT_EQ(r1["box"], 0);
  EXPECT_LE(r1["next_due"].get<std::int64_t>(), unix_now() + 700);

  // The next question is another one (the failed one is not due yet); answered
  // with its own reference answer, it passes.
  const auto q2 = request(c, {{"type", "quiz"}, {"id", "q2"}, {"user", "alice"}});
  ASSERT_EQ(q2["type"], "quiz_question");
  EXPECT_NE(q2["question"]["id"], q1["question"]["id"]);
  const std::string good = reference(q2["question"]["id"].get<std::int64_t>());
  ASSERT_FALSE(good.empty());
  const auto r2 = request(c, {{"type", "quiz_answer"}, {"id", "a2"}, {"user", "alice"}, {"text", good}});
  ASSERT_EQ(r2["type"], "quiz_result");
  EXPECT_EQ(r2["passed"], true);
  EXPECT_GT(r2["score"].get<double>(), 0.9);
  EXPECT_TRUE(r2["missed"].empty());
  EXPECT_EQ(r2["box"], 1);
  EXPECT_GE(r2["next_due"].get<std::int64_t>(), unix_now() + 86400 - 60);

  const auto p = request(c, {{"type", "progress"}, {"id", "p"}, {"user", "alice"}});
  ASSERT_EQ(p["type"], "progress") << p.dump();
  EXPECT_EQ(p["id"], "p");
  EXPECT_EQ(p["seen"], 2);
  EXPECT_EQ(p["reviews"], 2);
  EXPECT_EQ(p["correct"], 1);
  EXPECT_EQ(p["due"], 0);
  ASSERT_EQ(p["boxes"].size(), 5u);
  EXPECT_EQ(p["boxes"][0], 1);
  EXPECT_EQ(p["boxes"][1], 1);
  EXPECT_GE(p["total"].get<int>(), q1["new"].get<int>());
}

TEST_F(QuizEndToEndTest, AnswerWithNothingPendingIsNoQuiz) {
  start();
  WsClient c(port());
  c.read();
  const auto e = request(c, {{"type", "quiz_answer"}, {"id", "x"}, {"user", "nobody"}, {"text", "an answer"}});
  EXPECT_EQ(e["type"], "error");
  EXPECT_EQ(e["id"], "x");
  EXPECT_EQ(e["code"], "no_quiz");
  EXPECT_TRUE(e["message"].is_string());
}

TEST_F(QuizEndToEndTest, StatePersistsAcrossConnections) {
  start();
  json asked;
  {
    WsClient a(port());
    a.read();
    asked = request(a, {{"type", "quiz"}, {"id", "q"}, {"user", "bob"}});
    ASSERT_EQ(asked["type"], "quiz_question");
    a.close();
  }
  WsClient b(port());
  b.read();
  // The question asked on the first connection is still pending on the second.
  const auto r = request(b, {{"type", "quiz_answer"},
                             {"id", "a"},
                             {"user", "bob"},
                             {"text", reference(asked["question"]["id"].get<std::int64_t>())}});
  ASSERT_EQ(r["type"], "quiz_result") << r.dump();
  EXPECT_EQ(r["question"], asked["question"]);
  EXPECT_EQ(r["passed"], true);
  const auto p = request(b, {{"type", "progress"}, {"user", "bob"}});
  EXPECT_EQ(p["id"], nullptr);
  EXPECT_EQ(p["seen"], 1);
  EXPECT_EQ(p["correct"], 1);
  // Another user's progress is untouched.
  EXPECT_EQ(request(b, {{"type", "progress"}, {"user", "carol"}})["seen"], 0);
}

TEST_F(QuizEndToEndTest, QuizRequestsInAsksAndCategories) {
  start();
  WsClient c(port());
  c.read();
  const auto q = request(c, {{"type", "ask"}, {"id", "k"}, {"text", "考考我"}});
  ASSERT_EQ(q["type"], "quiz_question") << q.dump();
  EXPECT_EQ(q["id"], "k");
  // The connection's own user: the pending question is not visible to a named
  // user, and is answered by a quiz_answer that names none.
  EXPECT_EQ(request(c, {{"type", "quiz_answer"}, {"user", "dave"}, {"text", "x"}})["code"], "no_quiz");
  const auto graded = request(c, {{"type", "quiz_answer"}, {"id", "ka"}, {"text", "不知道"}});
  ASSERT_EQ(graded["type"], "quiz_result") << graded.dump();
  EXPECT_EQ(graded["question"], q["question"]);
  EXPECT_EQ(request(c, {{"type", "progress"}})["reviews"], 1);
  // Another connection has a user of its own.
  WsClient other(port());
  other.read();
  EXPECT_EQ(request(other, {{"type", "progress"}})["reviews"], 0);

  const auto py = request(c, {{"type", "ask"}, {"id", "py"}, {"text", "quiz me on python"}, {"user", "dave"}});
  ASSERT_EQ(py["type"], "quiz_question") << py.dump();
  EXPECT_NE(py["question"]["category"].get<std::string>().find("python"), std::string::npos);
  const auto cat = request(c, {{"type", "quiz"}, {"user", "erin"}, {"category", "python题"}});
  ASSERT_EQ(cat["type"], "quiz_question");
  EXPECT_NE(cat["question"]["category"].get<std::string>().find("python题"), std::string::npos);
  const auto none = request(c, {{"type", "quiz"}, {"id", "n"}, {"user", "erin"}, {"category", "no such category"}});
  EXPECT_EQ(none["type"], "error");
  EXPECT_EQ(none["code"], "bad_request");

  // An ordinary question is still answered as one.
  c.send({{"type", "ask"}, {"id", "bn"}, {"text", "BN有什么作用"}});
  const auto messages = c.read_until_done("bn");
  EXPECT_EQ(messages.front()["type"], "result");
}

TEST_F(QuizEndToEndTest, UserIsValidated) {
  start();
  WsClient c(port());
  c.read();
  EXPECT_EQ(request(c, {{"type", "quiz"}, {"id", "2"}, {"user", " "}})["code"], "bad_request");
  EXPECT_EQ(request(c, {{"type", "quiz"}, {"id", "3"}, {"user", 5}})["code"], "bad_request");
  EXPECT_EQ(request(c, {{"type", "progress"}, {"id", "4"}, {"user", std::string(129, 'u')}})["code"], "bad_request");
  EXPECT_EQ(request(c, {{"type", "quiz_answer"}, {"id", "5"}, {"user", "u"}})["code"], "bad_request");
  const auto e = request(c, {{"type", "quiz"}, {"id", "6"}, {"user", "u"}, {"category", 3}});
  EXPECT_EQ(e["code"], "bad_request");
  EXPECT_EQ(e["id"], "6");
}

TEST_F(QuizEndToEndTest, WithoutStateQuizzesAreUnavailableAndAsksStillWork) {
  start(/*with_state=*/false);
  WsClient c(port());
  c.read();
  const auto e = request(c, {{"type", "quiz"}, {"id", "q"}, {"user", "u"}});
  EXPECT_EQ(e["type"], "error");
  EXPECT_EQ(e["code"], "state_unavailable");
  c.send({{"type", "ask"}, {"id", "bn"}, {"text", "BN有什么作用"}});
  EXPECT_EQ(c.read_until_done("bn").back()["type"], "done");
}

TEST_F(QuizEndToEndTest, UnmatchedAsksAreLoggedAsGaps) {
  start();
  WsClient c(port());
  c.read();
  c.send({{"type", "ask"}, {"id", "g"}, {"text", "kubernetes pod scheduling affinity rules"}});
  const auto messages = c.read_until_done("g");
  ASSERT_EQ(messages.front()["matched"], false);
  c.send({{"type", "ask"}, {"id", "m"}, {"text", "BN有什么作用"}});
  c.read_until_done("m");
  ASSERT_TRUE(eventually([&] { return !state_->gaps(10).empty(); }));
  const auto gaps = state_->gaps(10);
  ASSERT_EQ(gaps.size(), 1u);  // the matched ask is not a gap
  EXPECT_EQ(gaps[0].text, "kubernetes pod scheduling affinity rules");
  EXPECT_EQ(gaps[0].channel, "ws");
  EXPECT_GE(gaps[0].time, unix_now() - 60);
}

}  // namespace
}  // namespace qabot::server::testing
