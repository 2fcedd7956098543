#include "server/gap_recorder.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <utility>

#include "server/utf8_chunker.hpp"

namespace qabot::server {

GapRecorder::GapRecorder(std::shared_ptr<state::StateStore> store, bool on, Clock clock, Limits limits)
    : store_(std::move(store)), enabled_(on), clock_(std::move(clock)), limits_(limits) {
  if (!clock_) {
    clock_ = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  if (enabled()) writer_ = std::thread([this] { run(); });
}

GapRecorder::~GapRecorder() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void GapRecorder::record(std::string_view text, const AskOutcome &outcome, std::string_view channel) const noexcept {
  // A near-tie ("did you mean") found notes that answer it: not a gap.
  if (!enabled() || outcome.matched || outcome.clarify) return;
  try {
    state::Gap gap;
    gap.text = std::string(text.substr(0, utf8_prefix_length(text, limits_.text_bytes)));
    gap.time = clock_();
    gap.channel = std::string(channel);
    if (outcome.hits.is_array() && !outcome.hits.empty()) {
      const auto &best = outcome.hits.front();
      gap.best_question = best.value("question", std::string());
      gap.confidence = best.value("confidence", 0.0);
    }
    bool first_drop = false;
    {
      std::lock_guard lock(mutex_);
      if (queue_.size() >= limits_.queue) {
        first_drop = dropped_++ == 0;
      } else {
        queue_.push_back(std::move(gap));
      }
    }
    if (first_drop) spdlog::warn("the gaps log cannot keep up (state store slow or down): dropping entries");
    wake_.notify_one();
  } catch (const std::exception &e) {
    spdlog::warn("could not queue an unanswered question for the gaps log: {}", e.what());
  }
}

void GapRecorder::flush() const {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [&] { return (queue_.empty() && !writing_) || !writer_.joinable(); });
}

std::uint64_t GapRecorder::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void GapRecorder::run() {
  std::size_t since_prune = 0;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping, and everything queued is written
    state::Gap gap = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    lock.unlock();
    try {
      store_->record_gap(gap);
      if (++since_prune >= limits_.prune_every) {
        since_prune = 0;
        store_->prune_gaps(limits_.keep);
      }
    } catch (const std::exception &e) {
      spdlog::warn("could not record an unanswered question in the gaps log: {}", e.what());
    }
    lock.lock();
    writing_ = false;
    if (queue_.empty()) drained_.notify_all();
  }
  drained_.notify_all();
}

}  // namespace qabot::server
