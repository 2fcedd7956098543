#pragma once
// Per-user state that must outlive a connection and be shared by every replica:
// quiz progress (spaced-repetition cards and the question a user is being
// quizzed on) and the gaps log (questions that got no confident answer). One
// interface, two engines: SQLite (the embedded default, a file beside the
// index) and PostgreSQL (`--state postgres://…`, for several replicas). Both
// migrate their schema on open and are safe to call from any thread.
//
// Errors (the database is unreachable, a constraint fails, the disk is full)
// are thrown as StateError; the server turns them into an error reply for that
// one request and keeps serving.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qabot::state {

struct StateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One question's spaced-repetition record for one user. `question_key` names
// the question across index rebuilds (row ids are not stable): see quiz code
// for how it is formed.
struct Card {
  std::string user;
  std::string question_key;
  int box = 0;                // Leitner box; 0 = new/failed, higher = known better
  std::int64_t due = 0;       // unix seconds: when the card should come back
  std::int64_t reviewed = 0;  // unix seconds of the last grading; 0 = never
  int reviews = 0;            // times graded
  int correct = 0;            // times graded as a pass
  double last_score = 0;      // [0,1], coverage of the last answer
};

// The question a user was asked and has not answered yet.
struct PendingQuiz {
  std::string user;
  std::string question_key;
  std::int64_t question_id = 0;  // row id in the index that asked it (a hint; re-resolved by key)
  std::string category;          // the category the user asked to be quizzed on ("" = any)
  std::int64_t asked = 0;        // unix seconds
};

// A question that got no confident answer.
struct Gap {
  std::string text;           // what the user typed, as typed
  std::int64_t time = 0;      // unix seconds
  double confidence = 0;      // of the best hit (0 when none)
  std::string best_question;  // the closest question in the bank ("" when none)
  std::string channel;        // "ws", "http", "slack", "discord" (server/channel.hpp)
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  // Every card of a user (a user's cards are bounded by the bank's size).
  virtual std::vector<Card> cards(std::string_view user) = 0;
  virtual std::optional<Card> card(std::string_view user, std::string_view question_key) = 0;
  virtual void put_card(const Card& card) = 0;  // insert or replace by (user, question_key)

  virtual std::optional<PendingQuiz> pending(std::string_view user) = 0;
  virtual void set_pending(const PendingQuiz& pending) = 0;  // replaces any earlier one
  virtual void clear_pending(std::string_view user) = 0;
  // Records the review of a pending question in one transaction: removes the user's pending
  // question if it is still `expected` (same question, same time asked) and, only then, stores
  // `reviewed` (insert or replace). Returns whether it did. Of two replies racing to answer one
  // question exactly one gets true; a reply to a question replaced by a newer one gets false; and a
  // failure (StateError) leaves both the pending question and the card as they were.
  virtual bool record_review(const PendingQuiz& expected, const Card& reviewed) = 0;

  // Stores the gaps together: all of them or, when it throws, none (one transaction). The gaps log
  // writes what queued up while the previous write ran, so a burst of unanswered asks costs one
  // commit, not one each.
  virtual void record_gaps(std::span<const Gap> gaps) = 0;
  void record_gap(const Gap& gap) { record_gaps({&gap, 1}); }
  // The most recent gaps first, at most `limit`.
  virtual std::vector<Gap> gaps(std::size_t limit) = 0;
  // Deletes all but the `keep` most recently recorded gaps: anyone can send
  // unanswerable asks, so the log must not grow with them without bound.
  virtual void prune_gaps(std::size_t keep) = 0;

  // "sqlite" or "postgres": for logs and /healthz.
  virtual std::string_view engine() const = 0;
};

// A count for SQL's LIMIT/OFFSET (a signed 64-bit integer): "all" (SIZE_MAX)
// becomes the largest one.
inline std::int64_t sql_count(std::size_t n) {
  return static_cast<std::int64_t>(std::min<std::size_t>(n, std::numeric_limits<std::int64_t>::max()));
}

// Opens the store a `--state` argument names:
//   "postgres://…" / "postgresql://…"  PostgreSQL (libpq connection URI)
//   "sqlite:PATH" or a plain PATH      SQLite file (created with its
//   directory's permissions)
// Throws StateError with a message fit for the user when it cannot.
std::unique_ptr<StateStore> open_state_store(const std::string& spec);

}  // namespace qabot::state
