#include "text/cache_gauge.hpp"

#include <algorithm>
#include <map>
#include <mutex>

namespace qabot::text {

namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::weak_ptr<CacheGauge>> gauges;
  std::size_t swept = 0;  // size after the last sweep of expired gauges
};

Registry& registry() {
  static Registry r;  // never destroyed before the caches that report to it: leaked on purpose
  return r;
}

}  // namespace

std::shared_ptr<CacheGauge> CacheGauges::make(std::string name, std::size_t max_entries, std::size_t max_bytes) {
  auto gauge = std::make_shared<CacheGauge>(std::move(name), max_entries, max_bytes);
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  // Forget gauges whose caches are gone once the list has doubled since the last sweep: it stays
  // within twice the live caches, at amortised constant cost per cache (one per connection).
  if (r.gauges.size() >= 2 * r.swept + 64) {
    std::erase_if(r.gauges, [](const std::weak_ptr<CacheGauge>& g) { return g.expired(); });
    r.swept = r.gauges.size();
  }
  r.gauges.push_back(gauge);
  return gauge;
}

std::vector<CacheGauges::Total> CacheGauges::totals() {
  std::map<std::string, Total> by_name;
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  for (const auto& weak : r.gauges) {
    const auto g = weak.lock();
    if (!g) continue;
    Total& t = by_name[g->name];
    t.name = g->name;
    ++t.instances;
    t.entries += g->entries.load(std::memory_order_relaxed);
    t.bytes += g->bytes.load(std::memory_order_relaxed);
    t.max_entries += g->max_entries;
    t.max_bytes += g->max_bytes;
  }
  std::vector<Total> out;
  for (auto& [name, t] : by_name) out.push_back(std::move(t));
  return out;
}

}  // namespace qabot::text
