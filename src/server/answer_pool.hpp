#pragma once
// A small pool of worker threads, each owning its own AnswerEngine (SQLite connections are not
// thread-safe), fed by a bounded queue so that a burst of asks is refused ("overloaded") instead of
// growing memory without limit. Retrieval takes ~50-200 µs, but a slow disk or a huge bank must not
// stall the io threads that serve every other connection.
//
// Hot reload: reload() bumps a generation counter; each worker reopens its engine before its next
// job, so an ask already running finishes on the connection it started with.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "server/answer_engine.hpp"

namespace qabot::server {

class AnswerPool {
 public:
  // `engine` is never null: every worker opens one before the pool exists and keeps it until a
  // replacement opens.
  using Job = std::function<void(AnswerEngine* engine)>;

  // Opens every worker's engine on the calling thread so that a missing or broken index throws here,
  // with the factory's message, before the server starts listening.
  AnswerPool(EngineFactory factory, std::filesystem::path db, std::size_t workers, std::size_t max_queued);
  ~AnswerPool();
  AnswerPool(const AnswerPool&) = delete;
  AnswerPool& operator=(const AnswerPool&) = delete;

  // False when the queue is full or the pool is stopping; the job is then not run.
  bool submit(Job job);

  // The index file at db() was replaced: workers reopen before their next job.
  void reload(std::int64_t question_count);

  // Runs what is queued, then joins the workers. Idempotent.
  void stop();

  std::int64_t question_count() const { return question_count_.load(); }
  std::uint64_t generation() const { return generation_.load(); }
  const std::filesystem::path& db() const { return db_; }
  const EngineFactory& factory() const { return factory_; }
  std::size_t workers() const { return threads_.size(); }

 private:
  void work(std::unique_ptr<AnswerEngine> engine);

  EngineFactory factory_;
  std::filesystem::path db_;
  std::size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::int64_t> question_count_{0};
  std::vector<std::thread> threads_;
};

}  // namespace qabot::server
