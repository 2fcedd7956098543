#pragma once
// Conversations by key, bounded in count (least recently used dropped first) and in age (a
// conversation left alone longer than max_age is forgotten). One per WebSocket connection (keys:
// the relay's "session" strings, "" for the connection's own) and one for POST /api/ask and the chat
// integrations. Thread-safe. Values are immutable snapshots: an ask reads one and its answer puts
// the next, so a worker never shares a conversation it is changing.

#include "text/cache_gauge.hpp"
#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace qabot::retrieval {
struct Conversation;
}

namespace qabot::server {

class ConversationStore {
 public:
  using Clock = std::chrono::steady_clock;
  using Value = std::shared_ptr<const retrieval::Conversation>;

  // `name`: the cache label its size is reported under in /metrics.
  ConversationStore(std::size_t max_conversations, std::chrono::seconds max_age, std::string name = "conversations");

  // Null when unknown or expired (an expired one is dropped). Counts as a use.
  Value get(const std::string& key, Clock::time_point now = Clock::now());
  void put(const std::string& key, Value value, Clock::time_point now = Clock::now());
  std::size_t size() const;

 private:
  // A conversation's bytes never pass this (four asks of at most 4 KiB and their terms).
  static constexpr std::size_t kMaxBytesEach = 48 * 1024;
  struct Entry {
    Value value;
    Clock::time_point used;
    std::list<std::string>::iterator position;
    std::size_t bytes = 0;  // estimate()
  };
  void evict(Clock::time_point now);
  void report();  // entries and bytes to the gauge (under the lock)

  const std::size_t max_conversations_;
  const std::chrono::seconds max_age_;
  mutable std::mutex mutex_;
  std::list<std::string> order_;  // most recently used first
  std::unordered_map<std::string, Entry> entries_;
  std::size_t bytes_ = 0;
  std::shared_ptr<text::CacheGauge> gauge_;
};

}  // namespace qabot::server
