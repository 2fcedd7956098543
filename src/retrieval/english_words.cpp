#include "retrieval/english_words.hpp"

#include <algorithm>
#include <string>

namespace qabot::retrieval {

// Binary search over the compiled-in text itself: its lines are sorted bytewise at build time
// (cmake/embed_text.cmake SORT_LINES), so there is nothing to load, sort or allocate — a first
// lookup costs what any other does (about 17 line comparisons).
bool EnglishWords::listed(std::string_view word) {
  const std::string_view text = EnglishWords::text();
  std::size_t lo = 0, hi = text.size();  // lo and hi are line starts (or the end)
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const std::size_t newline = mid == 0 ? std::string_view::npos : text.rfind('\n', mid - 1);
    const std::size_t start = newline == std::string_view::npos || newline + 1 < lo ? lo : newline + 1;
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const int order = text.substr(start, end - start).compare(word);
    if (order == 0) return true;
    if (order < 0) lo = end + 1;
    else hi = start;
  }
  return false;
}

bool EnglishWords::contains(std::string_view word) {
  if (word.empty()) return false;
  if (listed(word)) return true;
  std::string lower(word);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return lower != word && listed(lower);
}

}  // namespace qabot::retrieval
