#include "retrieval/english_words.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace qabot::retrieval {

namespace {

// Views into the compiled-in text, sorted bytewise (the file is sorted by locale, which binary
// search cannot use). About 1.2 MB for the vector; the words themselves stay in the binary.
const std::vector<std::string_view>& sorted_words() {
  static const std::vector<std::string_view> words = [] {
    std::vector<std::string_view> out;
    std::string_view rest = EnglishWords::text();
    while (!rest.empty()) {
      const auto end = rest.find('\n');
      const std::string_view line = rest.substr(0, end);
      if (!line.empty()) out.push_back(line);
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
    std::sort(out.begin(), out.end());
    return out;
  }();
  return words;
}

bool listed(std::string_view word) {
  const auto& words = sorted_words();
  return std::binary_search(words.begin(), words.end(), word);
}

}  // namespace

bool EnglishWords::contains(std::string_view word) {
  if (word.empty()) return false;
  if (listed(word)) return true;
  std::string lower(word);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return lower != word && listed(lower);
}

}  // namespace qabot::retrieval
