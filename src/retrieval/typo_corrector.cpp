#include "retrieval/typo_corrector.hpp"

#include <algorithm>
#include <cstdlib>

namespace qabot::retrieval {

namespace {
bool alphabetic(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}
}  // namespace

TypoCorrector::TypoCorrector(const std::vector<std::pair<std::string, std::int64_t>>& vocabulary) {
  for (const auto& [term, df] : vocabulary) add(term, df);
}

void TypoCorrector::add(std::string_view term, std::int64_t frequency) {
  if (!alphabetic(term) || term.size() < 3 || term.size() > 40) return;
  if (by_length_.size() <= term.size()) by_length_.resize(term.size() + 1);
  by_length_[term.size()].emplace_back(term, frequency);
}

int TypoCorrector::distance(std::string_view a, std::string_view b, int limit) {
  const std::size_t n = a.size(), m = b.size();
  if (static_cast<int>(n > m ? n - m : m - n) > limit) return limit + 1;
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<int>(i);
    int row_min = cur[0];
    for (std::size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::optional<std::string> TypoCorrector::correct(std::string_view word) const {
  const int limit = max_distance(word.size());
  if (limit == 0 || !alphabetic(word)) return std::nullopt;
  const std::string* best = nullptr;
  int best_distance = limit + 1;
  std::int64_t best_frequency = 0;
  const std::size_t lo =
      word.size() > static_cast<std::size_t>(limit) ? word.size() - static_cast<std::size_t>(limit) : 0;
  for (std::size_t len = lo; len <= word.size() + static_cast<std::size_t>(limit) && len < by_length_.size(); ++len) {
    for (const auto& [term, frequency] : by_length_[len]) {
      // Typos rarely hit the first letter; requiring it keeps the scan cheap and the guesses sane.
      if (term[0] != word[0]) continue;
      const int d = distance(word, term, std::min(limit, best_distance));
      if (d < best_distance || (d == best_distance && frequency > best_frequency)) {
        if (d > limit) continue;
        best = &term;
        best_distance = d;
        best_frequency = frequency;
      }
    }
  }
  if (!best || best_distance == 0) return std::nullopt;
  return *best;
}

}  // namespace qabot::retrieval
