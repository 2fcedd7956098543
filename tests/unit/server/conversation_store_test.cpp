#include "server/conversation_store.hpp"

#include <gtest/gtest.h>

#include "retrieval/conversation.hpp"

using namespace qabot;
using server::ConversationStore;

namespace {

ConversationStore::Value with_question(std::string q) {
  auto c = std::make_shared<retrieval::Conversation>();
  c->add({std::move(q), {}, {}});
  return c;
}

std::string question(const ConversationStore::Value& v) { return v ? v->turns.back().question : "-"; }

}  // namespace

TEST(ConversationStoreTest, SessionsAreSeparate) {
  ConversationStore store(10, std::chrono::minutes(5));
  const auto t = ConversationStore::Clock::now();
  store.put("alice", with_question("BN有什么作用"), t);
  store.put("bob", with_question("什么是过拟合"), t);
  EXPECT_EQ(question(store.get("alice", t)), "BN有什么作用");
  EXPECT_EQ(question(store.get("bob", t)), "什么是过拟合");
  EXPECT_EQ(store.get("carol", t), nullptr);
}

TEST(ConversationStoreTest, LeastRecentlyUsedGoesFirst) {
  ConversationStore store(2, std::chrono::minutes(5));
  const auto t = ConversationStore::Clock::now();
  store.put("a", with_question("a"), t);
  store.put("b", with_question("b"), t);
  EXPECT_NE(store.get("a", t), nullptr);  // a is now the most recent
  store.put("c", with_question("c"), t);
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(store.get("b", t), nullptr);
  EXPECT_NE(store.get("a", t), nullptr);
  EXPECT_NE(store.get("c", t), nullptr);
}

TEST(ConversationStoreTest, ExpiresAfterMaxAge) {
  ConversationStore store(10, std::chrono::seconds(60));
  const auto t = ConversationStore::Clock::now();
  store.put("a", with_question("a"), t);
  store.put("b", with_question("b"), t);
  EXPECT_NE(store.get("a", t + std::chrono::seconds(59)), nullptr);
  EXPECT_EQ(store.get("a", t + std::chrono::seconds(59 + 61)), nullptr);
  store.put("c", with_question("c"), t + std::chrono::seconds(120));  // b, idle for 120 s, is dropped
  EXPECT_EQ(store.size(), 1u);
}
