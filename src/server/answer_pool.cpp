#include "server/answer_pool.hpp"

#include <algorithm>
#include <exception>
#include <iterator>
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

bool AnswerPool::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    queue_.push_back(std::move(job));
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
      const auto current = generation_.load();
      const auto it =
          std::find_if(idle_.rbegin(), idle_.rend(), [&](const Engine& e) { return e.generation == current; });
      if (!stopping_ && queue_.empty() && it != idle_.rend()) {
        engine = std::move(*it);
        idle_.erase(std::next(it).base());
      }
    }
    if (engine.engine) {
      run(job, engine.engine.get());
      ++answered_inline_;
      give_back(std::move(engine));
      return true;
    }
  }
  return submit(std::move(job));
}

void AnswerPool::record_ask_time(std::chrono::nanoseconds took) {
  // Exponential moving average over ~16 asks. A sample counts for at most twice the limit, so one
  // cold first ask (lazy loading) does not keep a cheap bank off the io threads for long. Racing
  // updates may lose a sample; the mean only decides where the next asks run.
  const std::int64_t sample = std::min<std::int64_t>(took.count(), 2 * inline_asks_.max_mean.count());
  const auto mean = mean_ask_ns_.load(std::memory_order_relaxed);
  mean_ask_ns_.store(mean < 0 ? sample : mean + (sample - mean) / 16, std::memory_order_relaxed);
}

void AnswerPool::run(const Job& job, AnswerEngine* engine) {
  try {
    job(engine);
  } catch (const std::exception& e) {
    // Jobs report their own failures; this only keeps a bug from killing the thread.
    spdlog::error("answer job threw: {}", e.what());
  }
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
  // Empty jobs wake the workers, which reopen stale engines first: without them, a lightly loaded
  // server would keep the replaced file open in every engine but the one its asks happen to use.
  for (std::size_t i = 0; i < threads_.size(); ++i) submit([](AnswerEngine*) {});
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
    Job job;
    Engine engine;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return (stopping_ && queue_.empty()) || (!queue_.empty() && !idle_.empty()); });
      if (queue_.empty()) return;  // stopping and drained
      job = std::move(queue_.front());
      queue_.pop_front();
      // A stale engine first: reopening it here is what moves the pool to a replaced file.
      const auto current = generation_.load();
      auto it = std::find_if(idle_.begin(), idle_.end(), [&](const Engine& e) { return e.generation != current; });
      if (it == idle_.end()) it = std::prev(idle_.end());
      engine = std::move(*it);
      idle_.erase(it);
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
    run(job, engine.engine.get());
    give_back(std::move(engine));
  }
}

}  // namespace qabot::server
