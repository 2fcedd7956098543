#pragma once
// Replaces a Latin query word the bank has never seen with the nearest word it has ("dropuot" →
// dropout): edit distance ≤ 1 for short words, ≤ 2 for long ones; ties go to the more frequent word.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qabot::retrieval {

class TypoCorrector {
 public:
  TypoCorrector() = default;
  // (term, document frequency) pairs; non-alphabetic terms are ignored.
  explicit TypoCorrector(const std::vector<std::pair<std::string, std::int64_t>>& vocabulary);
  void add(std::string_view term, std::int64_t frequency);

  std::optional<std::string> correct(std::string_view word) const;
  static int max_distance(std::size_t length) { return length <= 4 ? 0 : length <= 7 ? 1 : 2; }
  // Optimal string alignment distance (adjacent transpositions cost 1); stops early past `limit`.
  static int distance(std::string_view a, std::string_view b, int limit);

 private:
  std::vector<std::vector<std::pair<std::string, std::int64_t>>> by_length_;
};

}  // namespace qabot::retrieval
