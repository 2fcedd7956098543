#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "store/columns.hpp"
#include "text/bounded_map.hpp"

namespace qabot::store {

// Column sizes (in tokens) of rows already scored, kept by one reader of one index file across
// asks. FTS5 reads a row's sizes from its docsize table with an SQL statement of its own, which was
// three quarters of the cost of scoring a row; a common topic's rows are scored again and again.
class ColumnSizeCache {
 public:
  using Sizes = std::array<std::int32_t, kColumnCount>;
  // 2^18 rows (a 100k bank's every row, twice over) take about 12 MiB.
  explicit ColumnSizeCache(std::size_t capacity = std::size_t{1} << 18)
      : rows_("column_sizes", capacity,
              capacity * (text::BoundedMap<std::int64_t, Sizes>::kNodeBytes + 2 * sizeof(void*))) {}
  const Sizes* find(std::int64_t rowid) const { return rows_.find(rowid); }
  void put(std::int64_t rowid, const Sizes& sizes) { rows_.put(rowid, sizes); }  // full: starts again
  std::size_t size() const { return rows_.size(); }

 private:
  text::BoundedMap<std::int64_t, Sizes> rows_;
};

}  // namespace qabot::store
