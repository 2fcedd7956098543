#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "store/columns.hpp"

namespace qabot::store {

// Column sizes (in tokens) of rows already scored, kept by one reader of one index file across
// asks. FTS5 reads a row's sizes from its docsize table with an SQL statement of its own, which was
// three quarters of the cost of scoring a row; a common topic's rows are scored again and again.
class ColumnSizeCache {
 public:
  using Sizes = std::array<std::int32_t, kColumnCount>;
  explicit ColumnSizeCache(std::size_t capacity = std::size_t{1} << 18) : capacity_(capacity) {}
  const Sizes* find(std::int64_t rowid) const {
    auto it = rows_.find(rowid);
    return it == rows_.end() ? nullptr : &it->second;
  }
  void put(std::int64_t rowid, const Sizes& sizes) {
    if (rows_.size() >= capacity_) rows_.clear();  // bounded memory; a bank that large re-warms
    rows_.emplace(rowid, sizes);
  }
  std::size_t size() const { return rows_.size(); }

 private:
  std::size_t capacity_;
  std::unordered_map<std::int64_t, Sizes> rows_;
};

}  // namespace qabot::store
