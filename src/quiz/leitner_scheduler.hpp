#pragma once
// Spaced repetition with Leitner boxes. Pure: cards and questions in, a choice
// out; time is a parameter so tests can simulate weeks in microseconds.
//
// A card in box b comes back interval[b] after its last grading. A pass moves
// it up one box (capped at the last), a fail sends it back to box 0, which
// comes back within minutes. The next question is the most overdue due card,
// else the first never-seen question in bank order, else (everything seen,
// nothing due) the card that falls due soonest, so a user asking for a quiz
// always gets one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/state_store.hpp"

namespace qabot::quiz {

// A question as the scheduler sees it.
struct Schedulable {
  std::string key;       // quiz::question_key
  std::string category;  // " / "-joined path
};

struct QueueCounts {
  std::int64_t due = 0;    // seen cards due now
  std::int64_t fresh = 0;  // questions never graded
};

class LeitnerScheduler {
 public:
  // Seconds per box; the default: 10 minutes, 1, 3, 7 and 21 days.
  explicit LeitnerScheduler(std::vector<std::int64_t> intervals = {600, 86400, 3 * 86400, 7 * 86400, 21 * 86400});

  int boxes() const { return static_cast<int>(intervals_.size()); }
  std::int64_t interval(int box) const;

  // The card after one grading at `now`.
  state::Card review(state::Card card, bool passed, double score, std::int64_t now) const;

  // Index into `questions` of the next question within `category` ("" = any),
  // or nullopt when no question is in that category. `skip` (a key) is avoided
  // when anything else is available.
  std::optional<std::size_t> pick(const std::vector<Schedulable>& questions, const std::vector<state::Card>& cards,
                                  std::string_view category, std::int64_t now, std::string_view skip = {}) const;

  QueueCounts counts(const std::vector<Schedulable>& questions, const std::vector<state::Card>& cards,
                     std::string_view category, std::int64_t now) const;

  // Case-insensitive (ASCII) prefix of the whole path or of any of its " / "
  // parts, so "python" matches "Python / Basics" and "ML / Python tricks".
  static bool in_category(std::string_view question_category, std::string_view wanted);

 private:
  std::vector<std::int64_t> intervals_;
};

}  // namespace qabot::quiz
