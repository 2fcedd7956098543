#include "server/conversation_store.hpp"

#include <algorithm>

namespace qabot::server {

ConversationStore::ConversationStore(std::size_t max_conversations, std::chrono::seconds max_age)
    : max_conversations_(std::max<std::size_t>(max_conversations, 1)), max_age_(max_age) {}

ConversationStore::Value ConversationStore::get(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (now - it->second.used > max_age_) {
    order_.erase(it->second.position);
    entries_.erase(it);
    return nullptr;
  }
  it->second.used = now;
  order_.splice(order_.begin(), order_, it->second.position);
  return it->second.value;
}

void ConversationStore::put(const std::string& key, Value value, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(key); it != entries_.end()) {
    it->second.value = std::move(value);
    it->second.used = now;
    order_.splice(order_.begin(), order_, it->second.position);
    return;
  }
  order_.push_front(key);
  entries_.emplace(key, Entry{std::move(value), now, order_.begin()});
  evict(now);
}

void ConversationStore::evict(Clock::time_point now) {
  // The least recently used are at the back: expired ones first, then whatever is over the cap.
  while (!order_.empty()) {
    const auto it = entries_.find(order_.back());
    if (entries_.size() <= max_conversations_ && now - it->second.used <= max_age_) break;
    entries_.erase(it);
    order_.pop_back();
  }
}

std::size_t ConversationStore::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace qabot::server
