// The worker pool's engines: every worker serves from an index that opened, whatever happens to the
// file afterwards.

#include "server/answer_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace qabot::server {
namespace {

class CountingEngine final : public AnswerEngine {
 public:
  explicit CountingEngine(std::int64_t questions = 7) : questions_(questions) {}
  AskOutcome ask(std::string_view, int) override { return {}; }
  std::int64_t question_count() const override { return questions_; }
  nlohmann::json questions_by_category() const override { return nlohmann::json::object(); }

 private:
  std::int64_t questions_;
};

EngineFactory counting(std::int64_t questions) {
  return [questions](const std::filesystem::path&) { return std::make_unique<CountingEngine>(questions); };
}

// Sends `n` asks through run_here_or_submit, one at a time (each waits for the previous one), each
// taking `cost`; returns how many ran on the calling thread.
int asks_run_here(AnswerPool& pool, int n, std::chrono::microseconds cost = {}) {
  int here = 0;
  for (int i = 0; i < n; ++i) {
    std::atomic<bool> done{false};
    std::thread::id ran_on;
    EXPECT_TRUE(pool.run_here_or_submit([&](AnswerEngine* engine) {
      EXPECT_NE(engine, nullptr);
      const auto start = std::chrono::steady_clock::now();
      if (cost.count() > 0) std::this_thread::sleep_for(cost);
      pool.record_ask_time(std::chrono::steady_clock::now() - start);  // as the server's ask jobs do
      ran_on = std::this_thread::get_id();
      done = true;
    }));
    while (!done) std::this_thread::sleep_for(std::chrono::microseconds(100));
    if (ran_on == std::this_thread::get_id()) ++here;
  }
  return here;
}

// The worker that ran an ask times it and gives its engine back just after the ask signals done:
// wait (bounded) until asks run here.
bool until_asks_run_here(AnswerPool& pool) {
  for (int i = 0; i < 200; ++i)
    if (asks_run_here(pool, 1) == 1) return true;
  return false;
}

TEST(AnswerPoolTest, EveryWorkerHasAnEngineEvenWhenTheFileBreaksAfterStart) {
  std::atomic<bool> broken{false};
  std::atomic<int> opened{0};
  EngineFactory factory = [&](const std::filesystem::path&) -> std::unique_ptr<AnswerEngine> {
    // A rollout moved a file that does not open over the index after the server started.
    if (broken) throw std::runtime_error("file is not a database");
    ++opened;
    return std::make_unique<CountingEngine>();
  };
  AnswerPool pool(factory, "index.db", 3, 100);
  EXPECT_EQ(opened.load(), 3);
  EXPECT_EQ(pool.question_count(), 7);
  broken = true;
  std::atomic<int> without_engine{0}, ran{0};
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(pool.submit([&](AnswerEngine* engine) {
      if (engine == nullptr) ++without_engine;
      ++ran;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // let every worker take jobs
    }));
  }
  pool.stop();
  EXPECT_EQ(ran.load(), 30);
  EXPECT_EQ(without_engine.load(), 0);
}

TEST(AnswerPoolTest, AFailedReopenKeepsServingTheOldEngine) {
  std::atomic<bool> broken{false};
  EngineFactory factory = [&](const std::filesystem::path&) -> std::unique_ptr<AnswerEngine> {
    if (broken) throw std::runtime_error("file is not a database");
    return std::make_unique<CountingEngine>();
  };
  AnswerPool pool(factory, "index.db", 2, 100);
  broken = true;
  pool.reload(8);  // the reopen after this fails on every worker
  std::atomic<int> without_engine{0};
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(pool.submit([&](AnswerEngine* engine) {
      if (engine == nullptr) ++without_engine;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }));
  }
  pool.stop();
  EXPECT_EQ(without_engine.load(), 0);
}

TEST(AnswerPoolTest, CheapAsksOnASmallBankRunOnTheCallingThreadOnceMeasured) {
  AnswerPool pool(counting(24), "index.db", 2, 100);
  // Nothing is measured yet: the first ask goes to a worker.
  EXPECT_EQ(asks_run_here(pool, 1), 0);
  ASSERT_TRUE(until_asks_run_here(pool));
  EXPECT_EQ(asks_run_here(pool, 20), 20);
  EXPECT_EQ(pool.answered_inline(), 21u);
  // Jobs that are not asks (quizzes may wait on the state store) always go to a worker.
  std::atomic<bool> done{false};
  std::thread::id ran_on;
  ASSERT_TRUE(pool.submit([&](AnswerEngine*) {
    ran_on = std::this_thread::get_id();
    done = true;
  }));
  while (!done) std::this_thread::sleep_for(std::chrono::microseconds(100));
  EXPECT_NE(ran_on, std::this_thread::get_id());
}

TEST(AnswerPoolTest, SlowAsksAndLargeBanksStayOnTheWorkers) {
  InlineAskPolicy policy;
  policy.max_mean = std::chrono::microseconds(500);
  AnswerPool slow(counting(24), "index.db", 1, 100, policy);
  EXPECT_EQ(asks_run_here(slow, 10, std::chrono::milliseconds(2)), 0);

  AnswerPool large(counting(100000), "index.db", 1, 100, policy);
  EXPECT_EQ(asks_run_here(large, 10), 0);
  EXPECT_EQ(large.answered_inline(), 0u);
}

TEST(AnswerPoolTest, AfterAReloadAWorkerReopensBeforeAsksRunOnTheCallingThreadAgain) {
  std::atomic<int> opened{0};
  EngineFactory factory = [&](const std::filesystem::path&) -> std::unique_ptr<AnswerEngine> {
    ++opened;
    return std::make_unique<CountingEngine>();
  };
  AnswerPool pool(factory, "index.db", 1, 100);
  ASSERT_TRUE(until_asks_run_here(pool));
  const int before = opened.load();
  pool.reload(7);
  // The one engine is stale: the calling thread never reopens it (that takes milliseconds).
  EXPECT_EQ(asks_run_here(pool, 1), 0);
  ASSERT_TRUE(until_asks_run_here(pool));
  EXPECT_EQ(asks_run_here(pool, 5), 5);
  EXPECT_EQ(opened.load(), before + 1);
}

// After a reload every engine moves to the new file promptly, also when one engine could serve all
// the asks, and asks answered on the calling thread only ever use an engine of the new file.
TEST(AnswerPoolTest, AReloadReopensEveryEngineAndInlineAsksUseOnlyReopenedOnes) {
  std::mutex m;
  std::set<const AnswerEngine*> opened_after_reload;
  std::atomic<bool> reloaded{false};
  EngineFactory factory = [&](const std::filesystem::path&) -> std::unique_ptr<AnswerEngine> {
    auto e = std::make_unique<CountingEngine>();
    if (reloaded) {
      std::lock_guard lock(m);
      opened_after_reload.insert(e.get());
    }
    return e;
  };
  AnswerPool pool(factory, "index.db", 3, 100);
  ASSERT_TRUE(until_asks_run_here(pool));
  reloaded = true;
  pool.reload(7);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    {
      std::lock_guard lock(m);
      if (opened_after_reload.size() == 3u) break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "not every engine was reopened";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(until_asks_run_here(pool));
  for (int i = 0; i < 20; ++i) {
    const AnswerEngine* used = nullptr;
    std::atomic<bool> done{false};
    ASSERT_TRUE(pool.run_here_or_submit([&](AnswerEngine* engine) {
      used = engine;
      pool.record_ask_time(std::chrono::microseconds(1));
      done = true;
    }));
    while (!done) std::this_thread::sleep_for(std::chrono::microseconds(100));
    std::lock_guard lock(m);
    EXPECT_EQ(opened_after_reload.count(used), 1u);
  }
}

TEST(AnswerPoolTest, ABrokenIndexFailsAtConstruction) {
  EngineFactory factory = [](const std::filesystem::path&) -> std::unique_ptr<AnswerEngine> {
    throw std::runtime_error("no such file");
  };
  EXPECT_THROW(AnswerPool(factory, "missing.db", 2, 10), std::runtime_error);
}

}  // namespace
}  // namespace qabot::server
