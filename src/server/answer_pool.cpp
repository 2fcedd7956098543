#include "server/answer_pool.hpp"

#include <exception>
#include <stdexcept>
#include <utility>

#include <spdlog/spdlog.h>

namespace qabot::server {

AnswerPool::AnswerPool(EngineFactory factory, std::filesystem::path db, std::size_t workers, std::size_t max_queued)
    : factory_(std::move(factory)), db_(std::move(db)), max_queued_(max_queued) {
  if (workers == 0) workers = 1;
  // Every worker's engine is opened here, not at its first job: by then the file at db_ may have
  // been replaced (a rollout under --watch), and a replacement that does not open must never be
  // what a worker serves from.
  std::vector<std::unique_ptr<AnswerEngine>> engines;
  engines.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) {
    engines.push_back(factory_(db_));
    if (!engines.back()) throw std::runtime_error("cannot open " + db_.string() + ": no engine");
  }
  question_count_ = engines.front()->question_count();
  threads_.reserve(workers);
  for (auto& e : engines) threads_.emplace_back([this, e = std::move(e)]() mutable { work(std::move(e)); });
}

AnswerPool::~AnswerPool() { stop(); }

bool AnswerPool::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    queue_.push_back(std::move(job));
  }
  ready_.notify_one();
  return true;
}

void AnswerPool::reload(std::int64_t question_count) {
  question_count_ = question_count;
  generation_.fetch_add(1);
}

void AnswerPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void AnswerPool::work(std::unique_ptr<AnswerEngine> engine) {
  // Generation 0 is the file every engine was opened on in the constructor.
  std::uint64_t seen = 0;
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    const std::uint64_t current = generation_.load();
    if (current != seen) {
      // Reopen on the replaced file; if that fails, keep serving from the old engine (its open file
      // is still the old index) and try again after the next reload.
      try {
        if (auto fresh = factory_(db_)) engine = std::move(fresh);
      } catch (const std::exception& e) {
        spdlog::error("worker could not open {}: {}", db_.string(), e.what());
      }
      seen = current;
    }
    try {
      job(engine.get());
    } catch (const std::exception& e) {
      // Jobs report their own failures; this only keeps a bug from killing the worker.
      spdlog::error("answer job threw: {}", e.what());
    }
  }
}

}  // namespace qabot::server
