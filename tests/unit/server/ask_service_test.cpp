// AskService without sockets: a scripted engine that remembers the questions of its conversation,
// real metrics, a real gaps log over a SQLite state file, a quiz service without a store.

#include "server/ask_service.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "retrieval/conversation.hpp"
#include "server/conversation_store.hpp"
#include "server/gap_recorder.hpp"
#include "server/metrics.hpp"
#include "state/sqlite_state_store.hpp"
#include "support/temp_dir.hpp"

namespace qabot::server {
namespace {

using qabot::test_support::TempDir;

// "throw" fails; "nomatch…" finds only a distant question; "tie…" is a near-tie; else a match. In a
// conversation, the answer's markdown lists the questions asked before it in that conversation.
class ScriptedEngine final : public AnswerEngine {
 public:
  AskOutcome ask(std::string_view text, int top_k) override { return answer(text, top_k, nullptr); }
  AskOutcome ask_in_conversation(std::string_view text, int top_k, const ConversationPtr& conversation) override {
    auto next = conversation ? std::make_shared<retrieval::Conversation>(*conversation)
                             : std::make_shared<retrieval::Conversation>();
    AskOutcome out = answer(text, top_k, next.get());
    next->add({std::string(text), {}, {}});
    out.conversation = std::move(next);
    return out;
  }
  std::int64_t question_count() const override { return 1; }
  nlohmann::json questions_by_category() const override { return nlohmann::json::object(); }

  int asks = 0;

 private:
  AskOutcome answer(std::string_view text, int top_k, const retrieval::Conversation* before) {
    ++asks;
    if (text == "throw") throw std::runtime_error("scripted failure");
    AskOutcome out;
    retrieval::Hit hit;
    hit.question = "最接近的问题";
    hit.confidence = 0.1;
    out.answer.result.hits.assign(static_cast<std::size_t>(top_k), hit);
    out.answer.result.matched = !text.starts_with("nomatch");
    out.answer.result.clarify = text.starts_with("tie");
    if (before) {
      for (const auto& turn : before->turns) out.answer.markdown += turn.question + ";";
    }
    return out;
  }
};

AskCall call_of(Channel channel, std::string text) {
  AskCall call;
  call.channel = channel;
  call.text = std::move(text);
  return call;
}

TEST(AskServiceTest, CountsEveryAskByChannelAndHowItEnded) {
  Metrics metrics;
  const AskService service(&metrics, nullptr, nullptr, nullptr);
  ScriptedEngine engine;
  EXPECT_TRUE(std::holds_alternative<AskOutcome>(service.ask(engine, call_of(Channel::WebSocket, "BN有什么作用"))));
  service.ask(engine, call_of(Channel::Http, "nomatch 怎么做蛋糕"));
  service.ask(engine, call_of(Channel::Slack, "tie 区别"));
  const auto failed = service.ask(engine, call_of(Channel::Discord, "throw"));
  ASSERT_TRUE(std::holds_alternative<AskFailed>(failed));
  EXPECT_EQ(std::get<AskFailed>(failed).message, "could not answer");  // no engine detail reaches a user
  EXPECT_EQ(metrics.asks_total(Channel::WebSocket, AskEnd::Matched), 1u);
  EXPECT_EQ(metrics.asks_total(Channel::Http, AskEnd::Unmatched), 1u);
  EXPECT_EQ(metrics.asks_total(Channel::Slack, AskEnd::Clarify), 1u);
  EXPECT_EQ(metrics.asks_total(Channel::Discord, AskEnd::Error), 1u);
  EXPECT_EQ(metrics.asks_total(), 4u);
}

TEST(AskServiceTest, AConversationIsReadAndKeptUnderItsKeyOnly) {
  const AskService service(nullptr, nullptr, nullptr, nullptr);
  ScriptedEngine engine;
  ConversationStore conversations(16, std::chrono::minutes(5));
  auto in = [&](const std::string& key, const std::string& text) {
    AskCall call = call_of(Channel::Http, text);
    call.conversations = &conversations;
    call.conversation_key = key;
    return std::get<AskOutcome>(service.ask(engine, call)).answer.markdown;
  };
  EXPECT_EQ(in("api:a", "BN有什么作用"), "");
  EXPECT_EQ(in("api:a", "它的缺点呢"), "BN有什么作用;");
  EXPECT_EQ(in("api:b", "那LN呢"), "") << "another key shares nothing";
  EXPECT_EQ(in("api:a", "和LN的区别"), "BN有什么作用;它的缺点呢;");
  // Without a store the question is read on its own.
  EXPECT_EQ(std::get<AskOutcome>(service.ask(engine, call_of(Channel::Http, "x"))).answer.markdown, "");
}

TEST(AskServiceTest, AQuizRequestStartsAQuizOnlyWhereTheChannelReadsItSo) {
  const QuizService quiz(nullptr);  // no state store: a quiz answers state_unavailable
  const AskService service(nullptr, nullptr, &quiz, nullptr);
  ScriptedEngine engine;
  AskCall searched = call_of(Channel::Http, "考考我");
  EXPECT_FALSE(service.may_block(searched));
  EXPECT_TRUE(std::holds_alternative<AskOutcome>(service.ask(engine, searched)));
  EXPECT_EQ(engine.asks, 1);

  AskCall quizzed = call_of(Channel::WebSocket, "考考我");
  quizzed.quiz_user = "connection:1";
  EXPECT_TRUE(service.may_block(quizzed)) << "a quiz may wait on the state store: never on an io thread";
  const auto reply = service.ask(engine, quizzed);
  ASSERT_TRUE(std::holds_alternative<QuizOutcome>(reply));
  const auto* error = std::get_if<ProtocolError>(&std::get<QuizOutcome>(reply));
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->code, ErrorCode::StateUnavailable);
  EXPECT_EQ(engine.asks, 1) << "a quiz request is not searched";

  AskCall question = call_of(Channel::WebSocket, "BN有什么作用");
  question.quiz_user = "connection:1";
  EXPECT_FALSE(service.may_block(question));
  EXPECT_TRUE(std::holds_alternative<AskOutcome>(service.ask(engine, question)));
}

TEST(AskServiceTest, OnlyAsksWithoutAnAnswerAreLoggedAsGapsUnderTheirChannel) {
  TempDir dir;
  auto store = std::make_shared<state::SqliteStateStore>(dir / "state.db");
  const GapRecorder gaps(store, true, [] { return std::int64_t{1000}; });
  const AskService service(nullptr, &gaps, nullptr, nullptr);
  ScriptedEngine engine;
  service.ask(engine, call_of(Channel::Discord, "nomatch what is a bloom filter"));
  service.ask(engine, call_of(Channel::WebSocket, "BN有什么作用"));
  service.ask(engine, call_of(Channel::Http, "tie 区别"));  // its notes do answer it
  service.ask(engine, call_of(Channel::Http, "throw"));
  gaps.flush();
  const auto logged = store->gaps(10);
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].text, "nomatch what is a bloom filter");
  EXPECT_EQ(logged[0].channel, "discord");
  EXPECT_EQ(logged[0].best_question, "最接近的问题");
}

}  // namespace
}  // namespace qabot::server
