#pragma once
// A small pool of worker threads and as many AnswerEngines (SQLite connections are not thread-safe:
// an engine is used by one thread at a time), fed by a bounded queue so that a burst of asks is
// refused ("overloaded") instead of growing memory without limit. A slow disk or a huge bank must not
// stall the io threads that serve every other connection, so jobs run on the workers by default.
//
// Asks on a small bank are the exception: they take tens of microseconds, less than handing them to
// a worker and back costs (two futex wake-ups and context switches on a busy two-core machine). When
// the bank is small, the asks measured so far were cheap, nothing is queued and an engine is idle,
// run_here_or_submit() answers on the calling io thread with that engine.
//
// Hot reload: reload() bumps a generation counter and queues one empty job per worker; a worker
// takes a stale engine first and reopens it before using it, so every engine moves to the new file
// promptly, and an ask already running finishes on the connection it started with. The calling
// thread never reopens (that takes milliseconds) and only answers with an engine of the current file.

#include <atomic>
#include <chrono>
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

// When an ask may run on the thread that received it.
struct InlineAskPolicy {
  std::int64_t max_questions = 5000;                                  // banks larger than this have multi-ms asks
  std::chrono::nanoseconds max_mean{std::chrono::microseconds(250)};  // mean ask time, measured
};

class AnswerPool {
 public:
  // `engine` is never null: every engine opened before the pool exists and is kept until a
  // replacement opens.
  using Job = std::function<void(AnswerEngine* engine)>;

  // Opens every engine on the calling thread so that a missing or broken index throws here, with the
  // factory's message, before the server starts listening.
  AnswerPool(EngineFactory factory, std::filesystem::path db, std::size_t workers, std::size_t max_queued,
             InlineAskPolicy inline_asks = {});
  ~AnswerPool();
  AnswerPool(const AnswerPool&) = delete;
  AnswerPool& operator=(const AnswerPool&) = delete;

  // Queues `job` for a worker. False when the queue is full or the pool is stopping; the job is then
  // not run.
  bool submit(Job job);

  // For asks (retrieval only, no I/O besides the index): runs `job` here and now when the policy
  // allows (see above), else queues it like submit().
  bool run_here_or_submit(Job job);
  // An ask's time in the engine, wherever it ran: the policy's moving mean. Only the engine call,
  // not the reply the job then writes, so a mean means the same on a worker and on an io thread.
  void record_ask_time(std::chrono::nanoseconds took);

  // The index file at db() was replaced: engines reopen before their next job.
  void reload(std::int64_t question_count);

  // Runs what is queued, then joins the workers. Idempotent.
  void stop();

  std::int64_t question_count() const { return question_count_.load(); }
  std::uint64_t generation() const { return generation_.load(); }
  const std::filesystem::path& db() const { return db_; }
  const EngineFactory& factory() const { return factory_; }
  std::size_t workers() const { return threads_.size(); }
  // Asks answered on the calling thread so far.
  std::uint64_t answered_inline() const { return answered_inline_.load(); }

 private:
  struct Engine {
    std::unique_ptr<AnswerEngine> engine;
    std::uint64_t generation = 0;  // of the file it was opened on
  };
  void work();
  static void run(const Job& job, AnswerEngine* engine);
  void give_back(Engine engine);
  bool asks_are_cheap() const;

  EngineFactory factory_;
  std::filesystem::path db_;
  std::size_t max_queued_;
  InlineAskPolicy inline_asks_;
  std::mutex mutex_;
  std::condition_variable ready_;  // a job and an idle engine, or stopping
  std::deque<Job> queue_;
  std::vector<Engine> idle_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::int64_t> question_count_{0};
  std::atomic<std::int64_t> mean_ask_ns_{-1};  // moving average of ask times; -1: none measured yet
  std::atomic<std::uint64_t> answered_inline_{0};
  std::vector<std::thread> threads_;
};

}  // namespace qabot::server
