#pragma once
// A memo with a hard bound on entries and on (estimated) bytes: when an insert would pass either,
// everything is dropped and the map warms up again. For caches whose keys come from what users
// type (terms of their questions): with a stream of questions that never repeat, any unbounded
// memo grows for as long as the server runs. Dropping all at once costs a re-warm every
// `max_entries` misses and no bookkeeping per hit, which an LRU would. Not thread-safe: one owner.

#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "text/cache_gauge.hpp"

namespace qabot::text {

// Heap bytes a value owns beyond its own size: a string's buffer past the small-string buffer.
template <class C>
std::size_t owned_bytes(const std::basic_string<C>& s) {
  constexpr std::size_t kInline = 15 / sizeof(C);  // libstdc++'s small-string buffer, in characters
  return s.capacity() > kInline ? (s.capacity() + 1) * sizeof(C) : 0;
}
template <class T>
requires std::is_trivially_copyable_v<T> std::size_t owned_bytes(const T&) { return 0; }

template <class K, class V>
class BoundedMap {
 public:
  // A hash node: the pair, the next pointer and the cached hash.
  static constexpr std::size_t kNodeBytes = sizeof(std::pair<const K, V>) + 2 * sizeof(void*);

  BoundedMap(std::string name, std::size_t max_entries, std::size_t max_bytes)
      : max_entries_(max_entries),
        max_bytes_(max_bytes),
        gauge_(CacheGauges::make(std::move(name), max_entries, max_bytes)) {}

  const V* find(const K& key) const {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }

  void put(K key, V value) {
    const std::size_t cost = kNodeBytes + owned_bytes(key) + owned_bytes(value);
    if (map_.size() + 1 > max_entries_ || bytes_ + cost + buckets_bytes() > max_bytes_) clear();
    if (map_.emplace(std::move(key), std::move(value)).second) bytes_ += cost;
    gauge_->set(map_.size(), bytes_ + buckets_bytes());
  }

  void clear() {
    // A fresh table: clear() would keep the bucket array of the largest size ever reached.
    std::unordered_map<K, V>().swap(map_);
    bytes_ = 0;
    gauge_->set(0, 0);
  }

  std::size_t size() const { return map_.size(); }
  std::size_t bytes() const { return bytes_ + buckets_bytes(); }

 private:
  std::size_t buckets_bytes() const { return map_.bucket_count() * sizeof(void*); }

  std::size_t max_entries_;
  std::size_t max_bytes_;
  std::size_t bytes_ = 0;  // nodes and what they own
  std::unordered_map<K, V> map_;
  std::shared_ptr<CacheGauge> gauge_;
};

}  // namespace qabot::text
