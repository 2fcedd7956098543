#include "retrieval/english_words.hpp"

#include <gtest/gtest.h>

namespace qabot::retrieval {
namespace {

TEST(EnglishWordsTest, OrdinaryWordsAndNamesAreWords) {
  for (auto w : {"sleep", "party", "contract", "brokers", "configuration", "Japan", "Unity", "SLEEP"})
    EXPECT_TRUE(EnglishWords::contains(w)) << w;
}

TEST(EnglishWordsTest, TyposAndJargonAreNot) {
  for (auto w : {"dropuot", "sigmiod", "pyhton", "gradiant", "relu", "", "sleep's"})
    EXPECT_FALSE(EnglishWords::contains(w)) << w;
}

// The search runs over the compiled-in text in place: every word of it, first and last included,
// must be found, and the text must be in the order the search assumes.
TEST(EnglishWordsTest, EveryListedWordIsFound) {
  std::string_view rest = EnglishWords::text();
  std::string_view previous;
  std::size_t words = 0;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    const std::string_view word = rest.substr(0, end);
    ASSERT_LT(previous, word) << "the list is not sorted bytewise";
    ASSERT_TRUE(EnglishWords::listed(word)) << word;  // exact case: "Unity" found as itself
    previous = word;
    ++words;
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  EXPECT_GT(words, 50000u);
}

}  // namespace
}  // namespace qabot::retrieval
