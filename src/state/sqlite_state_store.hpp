#pragma once
// StateStore on one SQLite file (the embedded default: `qabot-state.db` beside
// the index). One connection guarded by a mutex: state calls are rare next to
// asks (one per quiz message or unmatched question) and each is a single-row
// statement, so one connection is simpler than a pool and never contends for
// long. WAL and a busy timeout let a second process (`qabot gaps`) read while a
// server writes.

#include <filesystem>
#include <memory>
#include <mutex>

#include "state/state_store.hpp"

namespace qabot::state {

// Schema versions, kept in PRAGMA user_version; each migration moves from N-1
// to N.
inline constexpr int kStateSchemaVersion = 2;

class SqliteStateStore final : public StateStore {
 public:
  // Creates the file when missing and migrates it; throws StateError
  // (unwritable directory, not a qabot state file, a schema newer than this
  // build).
  explicit SqliteStateStore(const std::filesystem::path& file);
  ~SqliteStateStore() override;

  std::vector<Card> cards(std::string_view user) override;
  std::optional<Card> card(std::string_view user, std::string_view question_key) override;
  void put_card(const Card& card) override;

  std::optional<PendingQuiz> pending(std::string_view user) override;
  void set_pending(const PendingQuiz& pending) override;
  void clear_pending(std::string_view user) override;
  bool record_review(const PendingQuiz& expected, const Card& reviewed) override;

  void record_gaps(std::span<const Gap> gaps) override;
  std::vector<Gap> gaps(std::size_t limit) override;
  void prune_gaps(std::size_t keep) override;

  std::string_view engine() const override { return "sqlite"; }

 private:
  struct Impl;
  std::mutex mutex_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qabot::state
