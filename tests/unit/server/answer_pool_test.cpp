// The worker pool's engines: every worker serves from an index that opened, whatever happens to the
// file afterwards.

#include "server/answer_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

namespace qabot::server {
namespace {

class CountingEngine final : public AnswerEngine {
 public:
  AskOutcome ask(std::string_view, int) override { return {}; }
  std::int64_t question_count() const override { return 7; }
  nlohmann::json questions_by_category() const override { return nlohmann::json::object(); }
};

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

TEST(AnswerPoolTest, ABrokenIndexFailsAtConstruction) {
  EngineFactory factory = [](const std::filesystem::path&) -> std::unique_ptr<AnswerEngine> {
    throw std::runtime_error("no such file");
  };
  EXPECT_THROW(AnswerPool(factory, "missing.db", 2, 10), std::runtime_error);
}

}  // namespace
}  // namespace qabot::server
