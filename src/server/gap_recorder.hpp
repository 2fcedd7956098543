#pragma once
// The gaps log: every ask without a confident answer is written to the local
// state store, so the owner of the notes can see what people asked that the
// notes do not cover (`qabot gaps`). Nothing leaves the machine. Called on
// worker threads after an ask; a failure to record is logged and never fails
// the ask. Off with `--no-gaps-log` or when there is no state store.

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "server/answer_engine.hpp"
#include "state/state_store.hpp"

namespace qabot::server {

class GapRecorder {
public:
  using Clock = std::function<std::int64_t()>; // unix seconds
  GapRecorder(std::shared_ptr<state::StateStore> store, bool enabled,
              Clock clock = {});

  bool enabled() const { return enabled_ && store_ != nullptr; }
  // Records `text` when the outcome is not a confident answer; `channel`:
  // "web", "ws", "api", "slack", "discord". Never throws.
  void record(std::string_view text, const AskOutcome &outcome,
              std::string_view channel) const noexcept;

private:
  std::shared_ptr<state::StateStore> store_;
  bool enabled_;
  Clock clock_;
};

} // namespace qabot::server
