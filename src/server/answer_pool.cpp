#include "server/answer_pool.hpp"

#include <exception>
#include <stdexcept>
#include <utility>

#include <spdlog/spdlog.h>

namespace qabot::server {

AnswerPool::AnswerPool(EngineFactory factory, std::filesystem::path db, std::size_t workers, std::size_t max_queued,
                       InlineAskPolicy inline_asks)
    : factory_(std::move(factory)), db_(std::move(db)), max_queued_(max_queued), inline_asks_(inline_asks) {
  if (workers == 0) workers = 1;
  // Every engine is opened here, not at its first job: by then the file at db_ may have been
  // replaced (a rollout under --watch), and a replacement that does not open must never be what an
  // engine serves from.
  idle_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) {
    Engine e{factory_(db_), 0};
    if (!e.engine) throw std::runtime_error("cannot open " + db_.string() + ": no engine");
    idle_.push_back(std::move(e));
  }
  question_count_ = idle_.front().engine->question_count();
  threads_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
}

AnswerPool::~AnswerPool() { stop(); }

bool AnswerPool::submit(Job job) { return enqueue(std::move(job), false); }

bool AnswerPool::enqueue(Job job, bool ask) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    queue_.push_back({std::move(job), ask});
  }
  ready_.notify_one();
  return true;
}

bool AnswerPool::asks_are_cheap() const {
  const auto mean = mean_ask_ns_.load(std::memory_order_relaxed);
  return question_count_.load(std::memory_order_relaxed) <= inline_asks_.max_questions && mean >= 0 &&
         mean <= inline_asks_.max_mean.count();
}

bool AnswerPool::run_here_or_submit(Job job) {
  if (asks_are_cheap()) {
    Engine engine;
    {
      std::lock_guard lock(mutex_);
      // Queued jobs go first; a stale engine is reopened by a worker, not here.
      if (!stopping_ && queue_.empty() && !idle_.empty() && idle_.back().generation == generation_.load()) {
        engine = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    if (engine.engine) {
      run_timed(job, engine.engine.get());
      ++answered_inline_;
      give_back(std::move(engine));
      return true;
    }
  }
  return enqueue(std::move(job), true);
}

void AnswerPool::run_timed(const Job& job, AnswerEngine* engine) {
  const auto start = std::chrono::steady_clock::now();
  try {
    job(engine);
  } catch (const std::exception& e) {
    // Jobs report their own failures; this only keeps a bug from killing the thread.
    spdlog::error("answer job threw: {}", e.what());
  }
  const std::int64_t took = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
  // Exponential moving average over ~16 asks. Racing updates may lose one sample; the mean only
  // decides where the next asks run.
  const auto mean = mean_ask_ns_.load(std::memory_order_relaxed);
  mean_ask_ns_.store(mean < 0 ? took : mean + (took - mean) / 16, std::memory_order_relaxed);
}

void AnswerPool::give_back(Engine engine) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(engine));
  }
  ready_.notify_one();  // a worker may hold a job and wait for an engine
}

void AnswerPool::reload(std::int64_t question_count) {
  question_count_ = question_count;
  mean_ask_ns_ = -1;  // a new bank: measure again on the workers
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

void AnswerPool::work() {
  for (;;) {
    Queued next;
    Engine engine;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return (stopping_ && queue_.empty()) || (!queue_.empty() && !idle_.empty()); });
      if (queue_.empty()) return;  // stopping and drained
      next = std::move(queue_.front());
      queue_.pop_front();
      engine = std::move(idle_.back());
      idle_.pop_back();
    }
    const std::uint64_t current = generation_.load();
    if (engine.generation != current) {
      // Reopen on the replaced file; if that fails, keep serving from the old engine (its open file
      // is still the old index) and try again after the next reload.
      try {
        if (auto fresh = factory_(db_)) engine.engine = std::move(fresh);
      } catch (const std::exception& e) {
        spdlog::error("worker could not open {}: {}", db_.string(), e.what());
      }
      engine.generation = current;
    }
    if (next.ask) {
      run_timed(next.job, engine.engine.get());
    } else {
      try {
        next.job(engine.engine.get());
      } catch (const std::exception& e) {
        spdlog::error("answer job threw: {}", e.what());
      }
    }
    give_back(std::move(engine));
  }
}

}  // namespace qabot::server
