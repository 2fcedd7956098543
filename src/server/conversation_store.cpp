#include "server/conversation_store.hpp"

#include <algorithm>

#include "retrieval/conversation.hpp"

namespace qabot::server {

namespace {

// Bytes one conversation holds, roughly: its key, the map and list nodes, and each remembered
// turn's question and terms. Asks are at most 4 KiB (protocol) and a conversation keeps
// Conversation::kMaxTurns of them, so one conversation stays under ~40 KiB.
std::size_t estimate(const std::string& key, const ConversationStore::Value& v) {
  constexpr std::size_t kNodes = 160;  // unordered_map node, list node, Entry, shared_ptr block
  std::size_t n = kNodes + 2 * key.size() + sizeof(retrieval::Conversation);
  if (!v) return n;
  for (const auto& turn : v->turns) {
    n += sizeof(turn) + turn.question.capacity();
    for (const auto* concepts : {&turn.topics, &turn.aspects}) {
      for (const auto& c : *concepts) {
        n += sizeof(c);
        for (const auto& phrase : c.alternatives) {
          n += sizeof(phrase);
          for (const auto& term : phrase) n += sizeof(term) + term.capacity();
        }
      }
    }
  }
  return n;
}

}  // namespace

ConversationStore::ConversationStore(std::size_t max_conversations, std::chrono::seconds max_age, std::string name)
    : max_conversations_(std::max<std::size_t>(max_conversations, 1)),
      max_age_(max_age),
      gauge_(text::CacheGauges::make(std::move(name), max_conversations_, max_conversations_ * kMaxBytesEach)) {}

void ConversationStore::report() { gauge_->set(entries_.size(), bytes_); }

ConversationStore::Value ConversationStore::get(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (now - it->second.used > max_age_) {
    bytes_ -= it->second.bytes;
    order_.erase(it->second.position);
    entries_.erase(it);
    report();
    return nullptr;
  }
  it->second.used = now;
  order_.splice(order_.begin(), order_, it->second.position);
  return it->second.value;
}

void ConversationStore::put(const std::string& key, Value value, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const std::size_t bytes = estimate(key, value);
  if (auto it = entries_.find(key); it != entries_.end()) {
    bytes_ = bytes_ - it->second.bytes + bytes;
    it->second.value = std::move(value);
    it->second.used = now;
    it->second.bytes = bytes;
    order_.splice(order_.begin(), order_, it->second.position);
    report();
    return;
  }
  order_.push_front(key);
  entries_.emplace(key, Entry{std::move(value), now, order_.begin(), bytes});
  bytes_ += bytes;
  evict(now);
  report();
}

void ConversationStore::evict(Clock::time_point now) {
  // The least recently used are at the back: expired ones first, then whatever is over the cap.
  while (!order_.empty()) {
    const auto it = entries_.find(order_.back());
    if (entries_.size() <= max_conversations_ && now - it->second.used <= max_age_) break;
    bytes_ -= it->second.bytes;
    entries_.erase(it);
    order_.pop_back();
  }
}

std::size_t ConversationStore::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace qabot::server
