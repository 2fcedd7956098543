// What every StateStore engine must do, run against each (INSTANTIATE below). The SQLite engine joins
// by adding its Engine to the list.

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "state/state_store.hpp"
#include "unit/state/state_store_test_support.hpp"

namespace qabot::state {
namespace {

using testing::Engine;

class StateStoreContractTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    spec_ = GetParam().fresh();
    if (spec_.empty())
      GTEST_SKIP() << GetParam().name << " engine not available here (see state_store_test_support.hpp)";
    store_ = open_state_store(spec_);
  }
  std::string spec_;
  std::unique_ptr<StateStore> store_;
};

Card make_card(std::string user, std::string key, int box) {
  Card c;
  c.user = std::move(user);
  c.question_key = std::move(key);
  c.box = box;
  c.due = 1'800'000'000 + box;
  c.reviewed = 1'700'000'000;
  c.reviews = box + 2;
  c.correct = box;
  c.last_score = 0.625;
  return c;
}

void expect_same(const Card& a, const Card& b) {
  EXPECT_EQ(a.user, b.user);
  EXPECT_EQ(a.question_key, b.question_key);
  EXPECT_EQ(a.box, b.box);
  EXPECT_EQ(a.due, b.due);
  EXPECT_EQ(a.reviewed, b.reviewed);
  EXPECT_EQ(a.reviews, b.reviews);
  EXPECT_EQ(a.correct, b.correct);
  EXPECT_DOUBLE_EQ(a.last_score, b.last_score);
}

TEST_P(StateStoreContractTest, CardsRoundTripPerUser) {
  EXPECT_FALSE(store_->card("alice", "ml/bn").has_value());
  EXPECT_TRUE(store_->cards("alice").empty());

  const auto a1 = make_card("alice", "ml/bn", 1);
  auto a2 = make_card("alice", "ml/过拟合", 3);
  a2.last_score = 1.0 / 3;  // not exactly representable in decimal: must come back bit-identical
  const auto b1 = make_card("bob", "ml/bn", 0);
  store_->put_card(a1);
  store_->put_card(a2);
  store_->put_card(b1);

  const auto got = store_->card("alice", "ml/过拟合");
  ASSERT_TRUE(got.has_value());
  expect_same(*got, a2);

  auto alice = store_->cards("alice");
  ASSERT_EQ(alice.size(), 2u);
  std::sort(alice.begin(), alice.end(), [](const Card& x, const Card& y) { return x.question_key < y.question_key; });
  expect_same(alice[0], a1);
  expect_same(alice[1], a2);
  ASSERT_EQ(store_->cards("bob").size(), 1u);
  expect_same(store_->cards("bob")[0], b1);
  EXPECT_TRUE(store_->cards("carol").empty());
}

TEST_P(StateStoreContractTest, PutCardReplacesByUserAndKey) {
  store_->put_card(make_card("alice", "k", 1));
  auto updated = make_card("alice", "k", 4);
  updated.last_score = 0;
  store_->put_card(updated);
  ASSERT_EQ(store_->cards("alice").size(), 1u);
  expect_same(*store_->card("alice", "k"), updated);
}

TEST_P(StateStoreContractTest, KeysAreTakenLiterally) {
  // Quotes, SQL and LIKE wildcards are data, not syntax.
  const std::string user = "o'brien\"; DROP TABLE quiz_cards; --";
  store_->put_card(make_card(user, "100%_done\\", 2));
  EXPECT_TRUE(store_->card(user, "100%_done\\").has_value());
  EXPECT_FALSE(store_->card(user, "100%_done").has_value());
  EXPECT_FALSE(store_->card("o'brien", "100%_done\\").has_value());
}

TEST_P(StateStoreContractTest, PendingIsSetReplacedAndCleared) {
  EXPECT_FALSE(store_->pending("alice").has_value());
  PendingQuiz p{"alice", "ml/bn", 7, "机器学习", 1'700'000'100};
  store_->set_pending(p);
  auto got = store_->pending("alice");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->question_key, "ml/bn");
  EXPECT_EQ(got->question_id, 7);
  EXPECT_EQ(got->category, "机器学习");
  EXPECT_EQ(got->asked, 1'700'000'100);

  store_->set_pending({"alice", "ml/ln", 9, "", 1'700'000'200});
  got = store_->pending("alice");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->question_key, "ml/ln");
  EXPECT_EQ(got->question_id, 9);
  EXPECT_EQ(got->category, "");
  EXPECT_FALSE(store_->pending("bob").has_value());

  store_->clear_pending("alice");
  EXPECT_FALSE(store_->pending("alice").has_value());
  store_->clear_pending("alice");  // clearing nothing is fine
}

TEST_P(StateStoreContractTest, AReviewIsRecordedOncePerPendingQuestion) {
  const state::PendingQuiz first{"alice", "ml/bn", 7, "", 1'700'000'100};
  store_->set_pending(first);
  store_->set_pending({"bob", "ml/bn", 7, "", 1'700'000'100});
  auto reviewed = make_card("alice", "ml/bn", 1);
  EXPECT_TRUE(store_->record_review(first, reviewed));
  ASSERT_TRUE(store_->card("alice", "ml/bn").has_value());
  expect_same(*store_->card("alice", "ml/bn"), reviewed);
  EXPECT_FALSE(store_->pending("alice").has_value());
  EXPECT_TRUE(store_->pending("bob").has_value());  // other users keep theirs

  // The second reply to the same question records nothing.
  EXPECT_FALSE(store_->record_review(first, make_card("alice", "ml/bn", 4)));
  expect_same(*store_->card("alice", "ml/bn"), reviewed);

  // A newer question replaced the one a slow reply was graded against: nothing is recorded and
  // the newer question stays pending.
  store_->set_pending(first);
  store_->set_pending({"alice", "ml/ln", 9, "", 1'700'000'200});
  EXPECT_FALSE(store_->record_review(first, make_card("alice", "ml/bn", 4)));
  expect_same(*store_->card("alice", "ml/bn"), reviewed);
  ASSERT_TRUE(store_->pending("alice").has_value());
  EXPECT_EQ(store_->pending("alice")->question_key, "ml/ln");
}

TEST_P(StateStoreContractTest, GapsWrittenTogetherAreAllStoredInOrder) {
  const std::vector<state::Gap> batch = {
      {"a", 100, 0.1, "Q1", "ws"}, {"b", 100, 0.2, "", "web"}, {"c", 101, 0, "Q3", "api"}};
  store_->record_gaps(batch);
  store_->record_gaps({});  // nothing to write is not an error
  const auto all = store_->gaps(10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].text, "c");
  EXPECT_EQ(all[1].text, "b");  // same second: insert order decides
  EXPECT_EQ(all[2].text, "a");
  EXPECT_EQ(all[2].best_question, "Q1");
  EXPECT_DOUBLE_EQ(all[1].confidence, 0.2);
  EXPECT_EQ(all[1].channel, "web");
}

TEST_P(StateStoreContractTest, GapsNewestFirstUpToLimit) {
  EXPECT_TRUE(store_->gaps(10).empty());
  // Recorded out of time order, two in the same second.
  store_->record_gap({"second", 200, 0.25, "BN有什么作用", "ws"});
  store_->record_gap({"first", 100, 0, "", "web"});
  store_->record_gap({"third-a", 300, 0.5, "", "api"});
  store_->record_gap({"third-b", 300, 0.5, "", "slack"});

  const auto all = store_->gaps(10);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].text, "third-b");  // same second: the later one first
  EXPECT_EQ(all[1].text, "third-a");
  EXPECT_EQ(all[2].text, "second");
  EXPECT_EQ(all[3].text, "first");
  EXPECT_EQ(all[2].time, 200);
  EXPECT_DOUBLE_EQ(all[2].confidence, 0.25);
  EXPECT_EQ(all[2].best_question, "BN有什么作用");
  EXPECT_EQ(all[2].channel, "ws");

  const auto two = store_->gaps(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].text, "third-b");
  EXPECT_EQ(two[1].text, "third-a");
  EXPECT_TRUE(store_->gaps(0).empty());
  EXPECT_EQ(store_->gaps(std::numeric_limits<std::size_t>::max()).size(), 4u);  // "all"
}

TEST_P(StateStoreContractTest, PruneKeepsTheMostRecentlyRecorded) {
  store_->prune_gaps(3);  // an empty log is fine
  for (int i = 0; i < 6; ++i) store_->record_gap({"g" + std::to_string(i), 100 + i, 0, "", "ws"});
  store_->prune_gaps(10);  // fewer than that: nothing goes
  EXPECT_EQ(store_->gaps(100).size(), 6u);
  store_->prune_gaps(2);
  const auto left = store_->gaps(100);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].text, "g5");
  EXPECT_EQ(left[1].text, "g4");
  store_->prune_gaps(0);
  EXPECT_TRUE(store_->gaps(100).empty());
  store_->record_gap({"after", 200, 0, "", "ws"});  // the log goes on after pruning
  EXPECT_EQ(store_->gaps(100).size(), 1u);
}

TEST_P(StateStoreContractTest, SafeFromManyThreads) {
  constexpr int kThreads = 8, kPerThread = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const auto user = "user" + std::to_string(t);
      for (int i = 0; i < kPerThread; ++i) {
        store_->put_card(make_card(user, "q" + std::to_string(i % 10), i));
        store_->set_pending({user, "q" + std::to_string(i), i, "", i});
        store_->record_gap({user + "/" + std::to_string(i), 1000 + i, 0, "", "ws"});
        (void)store_->cards(user);
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    const auto user = "user" + std::to_string(t);
    EXPECT_EQ(store_->cards(user).size(), 10u);
    EXPECT_EQ(store_->card(user, "q9")->box, kPerThread - 1);  // the last write of that key
    EXPECT_EQ(store_->pending(user)->question_key, "q" + std::to_string(kPerThread - 1));
  }
  const auto gaps = store_->gaps(10'000);
  EXPECT_EQ(gaps.size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::set<std::string> texts;
  for (const auto& g : gaps) texts.insert(g.text);
  EXPECT_EQ(texts.size(), gaps.size());
}

TEST_P(StateStoreContractTest, TwoStoresOnOneDatabaseShareState) {
  // Two replicas: what one writes, the other reads, both ways.
  auto other = open_state_store(spec_);
  store_->put_card(make_card("alice", "k", 2));
  other->set_pending({"alice", "k2", 3, "", 5});
  other->record_gap({"nobody knows", 42, 0, "", "ws"});

  ASSERT_TRUE(other->card("alice", "k").has_value());
  EXPECT_EQ(other->card("alice", "k")->box, 2);
  ASSERT_TRUE(store_->pending("alice").has_value());
  EXPECT_EQ(store_->pending("alice")->question_key, "k2");
  ASSERT_EQ(store_->gaps(5).size(), 1u);

  other->put_card(make_card("alice", "k", 5));
  EXPECT_EQ(store_->card("alice", "k")->box, 5);
  store_->clear_pending("alice");
  EXPECT_FALSE(other->pending("alice").has_value());
}

TEST_P(StateStoreContractTest, ReopeningMigratesNothingAndKeepsData) {
  store_->put_card(make_card("alice", "k", 2));
  store_->record_gap({"g", 1, 0, "", "ws"});
  store_.reset();
  for (int i = 0; i < 2; ++i) {
    auto again = open_state_store(spec_);
    ASSERT_TRUE(again->card("alice", "k").has_value());
    EXPECT_EQ(again->gaps(10).size(), 1u);
    again->put_card(make_card("bob", "k", i));
  }
  EXPECT_EQ(open_state_store(spec_)->card("bob", "k")->box, 1);
}

INSTANTIATE_TEST_SUITE_P(Engines, StateStoreContractTest,
                         ::testing::Values(testing::sqlite_engine(), testing::postgres_engine()),
                         [](const ::testing::TestParamInfo<Engine>& info) { return info.param.name; });

}  // namespace
}  // namespace qabot::state
