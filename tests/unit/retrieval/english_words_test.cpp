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

}  // namespace
}  // namespace qabot::retrieval
