#include "server/gap_recorder.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <utility>

namespace qabot::server {

GapRecorder::GapRecorder(std::shared_ptr<state::StateStore> store, bool enabled, Clock clock)
    : store_(std::move(store)), enabled_(enabled), clock_(std::move(clock)) {
  if (!clock_) {
    clock_ = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

void GapRecorder::record(std::string_view text, const AskOutcome &outcome, std::string_view channel) const noexcept {
  // A near-tie ("did you mean") found notes that answer it: not a gap.
  if (!enabled() || outcome.matched || outcome.clarify) return;
  try {
    state::Gap gap;
    gap.text = std::string(text);
    gap.time = clock_();
    gap.channel = std::string(channel);
    if (outcome.hits.is_array() && !outcome.hits.empty()) {
      const auto &best = outcome.hits.front();
      gap.best_question = best.value("question", std::string());
      gap.confidence = best.value("confidence", 0.0);
    }
    store_->record_gap(gap);
  } catch (const std::exception &e) {
    spdlog::warn("could not record an unanswered question in the gaps log: {}", e.what());
  }
}

}  // namespace qabot::server
