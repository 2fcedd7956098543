#include "server/gap_recorder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <vector>
#include <exception>
#include <utility>

#include "text/utf8.hpp"

namespace qabot::server {

namespace {
// What a queued entry holds: its texts (each cut to a bounded size) and the entry itself.
std::size_t bytes_of(const state::Gap& gap) {
  return sizeof(gap) + gap.text.capacity() + gap.best_question.capacity() + gap.channel.capacity();
}
}  // namespace

GapRecorder::GapRecorder(std::shared_ptr<state::StateStore> store, bool on, Clock clock, Limits limits)
    : store_(std::move(store)),
      enabled_(on),
      clock_(std::move(clock)),
      limits_(limits),
      gauge_(text::CacheGauges::make("gaps_queue", limits_.queue,
                                     limits_.queue * (sizeof(state::Gap) + 2 * limits_.text_bytes + 64))) {
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

void GapRecorder::record(std::string_view text, const retrieval::Result& result, Channel channel) const noexcept {
  // A near-tie ("did you mean") found notes that answer it: not a gap.
  if (!enabled() || result.matched || result.clarify) return;
  try {
    state::Gap gap;
    gap.text = std::string(text.substr(0, text::utf8_prefix_length(text, limits_.text_bytes)));
    gap.time = clock_();
    gap.channel = std::string(to_string(channel));
    if (!result.hits.empty()) {
      gap.best_question = result.hits.front().question;
      gap.confidence = result.hits.front().confidence;
    }
    bool first_drop = false;
    {
      std::lock_guard lock(mutex_);
      if (queue_.size() >= limits_.queue) {
        first_drop = dropped_++ == 0;
      } else {
        queued_bytes_ += bytes_of(gap);
        queue_.push_back(std::move(gap));
        gauge_->set(queue_.size(), queued_bytes_);
      }
    }
    if (first_drop) spdlog::warn("the gaps log cannot keep up (state store slow or down): dropping entries");
    wake_.notify_one();
  } catch (const std::exception& e) {
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
    if (!stopping_ && limits_.linger.count() > 0 && queue_.size() < limits_.batch) {
      // Not waiting on wake_ meanwhile, so record() notifies nobody: no futex wake per entry.
      // (flush() keeps waiting: the queue is not empty.)
      lock.unlock();
      std::this_thread::sleep_for(limits_.linger);
      lock.lock();
    }
    const auto n = std::min(queue_.size(), std::max<std::size_t>(limits_.batch, 1));
    std::vector<state::Gap> batch(std::make_move_iterator(queue_.begin()),
                                  std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(n)));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    for (const auto& gap : batch) queued_bytes_ -= bytes_of(gap);
    gauge_->set(queue_.size(), queued_bytes_);
    writing_ = true;
    lock.unlock();
    try {
      store_->record_gaps(batch);
      since_prune += batch.size();
      if (since_prune >= limits_.prune_every) {
        since_prune = 0;
        store_->prune_gaps(limits_.keep);
      }
    } catch (const std::exception& e) {
      spdlog::warn("could not record {} unanswered question(s) in the gaps log: {}", batch.size(), e.what());
    }
    lock.lock();
    writing_ = false;
    if (queue_.empty()) drained_.notify_all();
  }
  // Entries since the last prune: batches overshoot prune_every, so a stopping log is pruned once
  // more and is left within `keep`.
  if (since_prune > 0) {
    lock.unlock();
    try {
      store_->prune_gaps(limits_.keep);
    } catch (const std::exception& e) {
      spdlog::warn("could not prune the gaps log: {}", e.what());
    }
    lock.lock();
  }
  drained_.notify_all();
}

}  // namespace qabot::server
