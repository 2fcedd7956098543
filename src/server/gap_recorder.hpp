#pragma once
// The gaps log: every ask without a confident answer is written to the state
// store, so the owner of the notes can see what people asked that the notes do
// not cover (`qabot gaps`). Off with `--no-gaps-log` or when there is no state
// store.
//
// Asks never wait for the log: record() queues the entry and one writer thread
// stores what has queued up since its last write (and for `linger` after the
// first entry) in one transaction, so under load the log costs a wake-up and a
// commit per batch rather than per ask. A slow or unreachable store (PostgreSQL behind a dropped network)
// then fills the bounded queue and later entries are dropped and counted,
// instead of holding the answer workers. Because anyone can send unanswerable
// asks, each entry's text is cut to a bounded size and the log is pruned to the
// most recent entries as it grows.

#include "text/cache_gauge.hpp"
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "retrieval/result.hpp"
#include "server/channel.hpp"
#include "state/state_store.hpp"

namespace qabot::server {

struct GapLogLimits {
  std::size_t queue = 1024;  // entries waiting for the store
  std::size_t batch = 256;   // entries written in one transaction at most
  // How long the writer lets entries gather after the first one arrives: one wake-up and one
  // commit per burst instead of a thread hand-off per unanswered ask.
  std::chrono::milliseconds linger{10};
  std::size_t text_bytes = 512;    // of each ask's text, cut on a character boundary
  std::size_t keep = 100000;       // entries kept in the store
  std::size_t prune_every = 1000;  // entries written between two prunes
};

class GapRecorder {
 public:
  using Clock = std::function<std::int64_t()>;  // unix seconds
  using Limits = GapLogLimits;

  GapRecorder(std::shared_ptr<state::StateStore> store, bool on, Clock clock = {}, Limits limits = {});
  // Writes what is still queued, then stops the writer.
  ~GapRecorder();
  GapRecorder(const GapRecorder&) = delete;
  GapRecorder& operator=(const GapRecorder&) = delete;

  bool enabled() const { return enabled_ && store_ != nullptr; }
  // Queues `text` when the result is not a confident answer (nor a near-tie,
  // whose notes do answer it), under the channel's name. Never throws, never
  // blocks on the store.
  void record(std::string_view text, const retrieval::Result& result, Channel channel) const noexcept;
  // Waits until every entry queued so far has been written (or failed).
  void flush() const;
  // Entries dropped because the queue was full.
  std::uint64_t dropped() const;

 private:
  void run();

  std::shared_ptr<state::StateStore> store_;
  bool enabled_;
  Clock clock_;
  Limits limits_;

  // Logically const: record() is safe from any thread, like a logger.
  mutable std::mutex mutex_;
  mutable std::condition_variable wake_;     // the writer: work or stop
  mutable std::condition_variable drained_;  // flush(): queue empty, writer idle
  mutable std::deque<state::Gap> queue_;
  mutable std::uint64_t dropped_ = 0;
  mutable std::size_t queued_bytes_ = 0;
  // The queue's size in /metrics ("gaps_queue"): at most limits_.queue entries.
  std::shared_ptr<text::CacheGauge> gauge_;
  bool writing_ = false;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace qabot::server
