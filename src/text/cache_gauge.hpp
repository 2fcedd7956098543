#pragma once
// What every long-lived cache and store in the process holds, for /metrics and for the bounds in
// docs/architecture.md. A cache owns a CacheGauge (shared_ptr) and updates it as it changes; the
// registry keeps weak references, so a cache that goes away (an engine replaced on reload) drops
// out of the totals by itself. Thread-safe: gauges are atomics, the registry is locked.

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace qabot::text {

struct CacheGauge {
  CacheGauge(std::string n, std::size_t entries_bound, std::size_t bytes_bound)
      : name(std::move(n)), max_entries(entries_bound), max_bytes(bytes_bound) {}
  const std::string name;         // the metric's cache="…" label
  const std::size_t max_entries;  // the cache never holds more (0: not bounded by count)
  const std::size_t max_bytes;    // ...nor more bytes, as estimated by its owner
  std::atomic<std::size_t> entries{0};
  std::atomic<std::size_t> bytes{0};

  void set(std::size_t n, std::size_t b) {
    entries.store(n, std::memory_order_relaxed);
    bytes.store(b, std::memory_order_relaxed);
  }
};

class CacheGauges {
 public:
  struct Total {
    std::string name;
    std::size_t instances = 0;  // e.g. one per answer engine
    std::size_t entries = 0, bytes = 0, max_entries = 0, max_bytes = 0;
  };
  // A new gauge, registered under `name` (several may share a name: their totals add up).
  static std::shared_ptr<CacheGauge> make(std::string name, std::size_t max_entries, std::size_t max_bytes);
  // Live gauges summed by name, sorted by name.
  static std::vector<Total> totals();
};

}  // namespace qabot::text
