// The gaps log as asks see it: what is recorded, that a slow store never holds an ask, and that
// the log stays bounded in entry size and count.

#include "server/gap_recorder.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "state/sqlite_state_store.hpp"
#include "support/temp_dir.hpp"

namespace qabot::server {
namespace {

using qabot::test_support::TempDir;

retrieval::Result unanswered(const std::string& closest = "", double confidence = 0) {
  retrieval::Result r;
  if (!closest.empty()) {
    retrieval::Hit hit;
    hit.question = closest;
    hit.confidence = confidence;
    r.hits.push_back(hit);
  }
  return r;
}

// A real SQLite store behind a wrapper whose record_gap a test can change.
class ForwardingStore : public state::StateStore {
 public:
  explicit ForwardingStore(const std::filesystem::path& file) : inner_(file) {}
  std::vector<state::Card> cards(std::string_view u) override { return inner_.cards(u); }
  std::optional<state::Card> card(std::string_view u, std::string_view k) override { return inner_.card(u, k); }
  void put_card(const state::Card& c) override { inner_.put_card(c); }
  std::optional<state::PendingQuiz> pending(std::string_view u) override { return inner_.pending(u); }
  void set_pending(const state::PendingQuiz& p) override { inner_.set_pending(p); }
  void clear_pending(std::string_view u) override { inner_.clear_pending(u); }
  bool record_review(const state::PendingQuiz& p, const state::Card& c) override { return inner_.record_review(p, c); }
  void record_gaps(std::span<const state::Gap> g) override { inner_.record_gaps(g); }
  std::vector<state::Gap> gaps(std::size_t limit) override { return inner_.gaps(limit); }
  void prune_gaps(std::size_t keep) override { inner_.prune_gaps(keep); }
  std::string_view engine() const override { return "test"; }

 private:
  state::SqliteStateStore inner_;
};

// Writes wait at a gate until the test opens it: a store that hangs.
class GatedStore final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  void record_gaps(std::span<const state::Gap> g) override {
    std::unique_lock lock(m_);
    ++arrived_;
    batches_.push_back(g.size());
    arrived_cv_.notify_all();
    open_cv_.wait(lock, [&] { return open_; });
    lock.unlock();
    ForwardingStore::record_gaps(g);
  }
  void wait_for_first_write() {
    std::unique_lock lock(m_);
    arrived_cv_.wait(lock, [&] { return arrived_ > 0; });
  }
  std::vector<std::size_t> batches() {
    std::lock_guard lock(m_);
    return batches_;
  }
  void open() {
    std::lock_guard lock(m_);
    open_ = true;
    open_cv_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable arrived_cv_, open_cv_;
  int arrived_ = 0;
  bool open_ = false;
  std::vector<std::size_t> batches_;  // entries per write
};

class ThrowingGapStore final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  void record_gaps(std::span<const state::Gap>) override { throw state::StateError("database is down"); }
};

TEST(GapRecorderTest, RecordsOnlyAsksWithoutAConfidentAnswer) {
  TempDir dir;
  auto store = std::make_shared<state::SqliteStateStore>(dir / "state.db");
  GapRecorder gaps(store, true, [] { return std::int64_t{1234}; });
  gaps.record("what is a bloom filter", unanswered("BN有什么作用", 0.12), Channel::WebSocket);
  retrieval::Result matched;
  matched.matched = true;
  gaps.record("BN有什么作用", matched, Channel::WebSocket);
  retrieval::Result clarify;
  clarify.clarify = true;  // a near-tie: notes do answer it
  gaps.record("区别", clarify, Channel::Http);
  gaps.flush();
  const auto logged = store->gaps(10);
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].text, "what is a bloom filter");
  EXPECT_EQ(logged[0].time, 1234);
  EXPECT_EQ(logged[0].best_question, "BN有什么作用");
  EXPECT_DOUBLE_EQ(logged[0].confidence, 0.12);
  EXPECT_EQ(logged[0].channel, "ws");
}

TEST(GapRecorderTest, OffMeansNothingIsWritten) {
  TempDir dir;
  auto store = std::make_shared<state::SqliteStateStore>(dir / "state.db");
  {
    GapRecorder gaps(store, false);
    EXPECT_FALSE(gaps.enabled());
    gaps.record("anything", unanswered(), Channel::WebSocket);
    gaps.flush();
  }
  EXPECT_TRUE(store->gaps(10).empty());
  GapRecorder no_store(nullptr, true);
  EXPECT_FALSE(no_store.enabled());
  no_store.record("anything", unanswered(), Channel::WebSocket);
  no_store.flush();
}

TEST(GapRecorderTest, LongTextIsCutOnACharacterBoundary) {
  TempDir dir;
  auto store = std::make_shared<state::SqliteStateStore>(dir / "state.db");
  GapRecorder gaps(store, true);
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "梯";  // 3 bytes each
  gaps.record(text, unanswered(), Channel::Http);
  gaps.flush();
  const auto logged = store->gaps(1);
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_LE(logged[0].text.size(), 512u);
  EXPECT_GE(logged[0].text.size(), 510u);
  EXPECT_EQ(logged[0].text.size() % 3, 0u) << "cut inside a character";
  EXPECT_EQ(text.compare(0, logged[0].text.size(), logged[0].text), 0);
}

// A log whose store hangs on its first write until open(): record "first", wait until the writer
// is stuck with it, then record a burst of `n` more.
struct HangingLog {
  explicit HangingLog(GapRecorder::Limits limits) : gaps(store, true, {}, limits) {}
  void burst(const std::string& prefix, int n) {
    gaps.record("first", unanswered(), Channel::WebSocket);
    store->wait_for_first_write();
    for (int i = 0; i < n; ++i) gaps.record(prefix + std::to_string(i), unanswered(), Channel::WebSocket);
  }
  TempDir dir;
  std::shared_ptr<GatedStore> store = std::make_shared<GatedStore>(dir / "state.db");
  GapRecorder gaps;
};

TEST(GapRecorderTest, AHangingStoreNeverHoldsAnAskAndOverflowIsDropped) {
  GapRecorder::Limits limits;
  limits.queue = 3;
  HangingLog log(limits);
  const auto start = std::chrono::steady_clock::now();
  log.burst("more ", 10);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2)) << "record() waited for the store";
  EXPECT_EQ(log.gaps.dropped(), 7u);  // 3 queued behind the hanging write
  log.store->open();
  log.gaps.flush();
  const auto logged = log.store->gaps(100);
  ASSERT_EQ(logged.size(), 4u);
  EXPECT_EQ(logged[0].text, "more 2");  // the newest that fitted
}

TEST(GapRecorderTest, WhatQueuesDuringAWriteIsWrittenTogetherInBoundedBatches) {
  GapRecorder::Limits limits;
  limits.batch = 4;
  HangingLog log(limits);
  log.burst("burst ", 6);
  log.store->open();
  log.gaps.flush();
  EXPECT_EQ(log.store->batches(), (std::vector<std::size_t>{1, 4, 2}));
  const auto logged = log.store->gaps(100);
  ASSERT_EQ(logged.size(), 7u);
  EXPECT_EQ(logged[0].text, "burst 5");  // in the order they were asked
  EXPECT_EQ(logged[5].text, "burst 0");
}

TEST(GapRecorderTest, TheLogIsPrunedToTheMostRecent) {
  TempDir dir;
  auto store = std::make_shared<state::SqliteStateStore>(dir / "state.db");
  GapRecorder::Limits limits;
  limits.keep = 3;
  limits.prune_every = 2;
  {
    GapRecorder gaps(store, true, {}, limits);
    for (int i = 0; i < 10; ++i) gaps.record("q" + std::to_string(i), unanswered(), Channel::WebSocket);
  }  // the destructor writes what is queued
  const auto logged = store->gaps(100);
  ASSERT_EQ(logged.size(), 3u);
  EXPECT_EQ(logged[0].text, "q9");
  EXPECT_EQ(logged[2].text, "q7");
}

TEST(GapRecorderTest, AFailingStoreIsLoggedNotThrown) {
  TempDir dir;
  auto store = std::make_shared<ThrowingGapStore>(dir / "state.db");
  GapRecorder gaps(store, true);
  EXPECT_NO_THROW(gaps.record("anything", unanswered(), Channel::WebSocket));
  gaps.flush();
  EXPECT_EQ(gaps.dropped(), 0u);
}

}  // namespace
}  // namespace qabot::server
