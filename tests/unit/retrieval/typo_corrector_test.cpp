#include "retrieval/typo_corrector.hpp"

#include <gtest/gtest.h>

using qabot::retrieval::TypoCorrector;

TEST(TypoCorrectorTest, FixesTransposition) {
  TypoCorrector c({{"dropout", 3}, {"dropper", 1}, {"pool", 5}});
  EXPECT_EQ(c.correct("dropuot").value_or(""), "dropout");
}

TEST(TypoCorrectorTest, LeavesShortWordsAlone) {
  TypoCorrector c({{"cat", 3}});
  EXPECT_FALSE(c.correct("cot").has_value());
}

TEST(TypoCorrectorTest, AllowsTwoEditsOnLongWords) {
  TypoCorrector c({{"regularization", 2}});
  EXPECT_EQ(c.correct("regulariaztoin").value_or(""), "regularization");
  EXPECT_FALSE(c.correct("regxxxrizatixx").has_value());
}

TEST(TypoCorrectorTest, PrefersTheMoreFrequentWordOnTies) {
  TypoCorrector c({{"batchs", 1}, {"batcha", 9}});
  EXPECT_EQ(c.correct("batchx").value_or(""), "batcha");
}

TEST(TypoCorrectorTest, KnownWordIsNotCorrected) {
  TypoCorrector c({{"dropout", 3}});
  EXPECT_FALSE(c.correct("dropout").has_value());
}

TEST(TypoCorrectorTest, IgnoresNonAlphabeticVocabulary) {
  TypoCorrector c({{"过拟合", 3}, {"f1score", 2}});
  EXPECT_FALSE(c.correct("f1scor").has_value());
}

TEST(TypoCorrectorTest, DistanceCountsTranspositionOnce) {
  EXPECT_EQ(TypoCorrector::distance("ab", "ba", 3), 1);
  EXPECT_EQ(TypoCorrector::distance("kitten", "sitting", 5), 3);
  EXPECT_GT(TypoCorrector::distance("kitten", "sitting", 1), 1);
}

TEST(TypoCorrectorTest, LeavesFourLetterWordsAlone) {
  // "best" is not a typo of "bst", nor "rice" of "rico": at four letters one edit is another word.
  TypoCorrector c({{"bst", 3}, {"rico", 2}});
  EXPECT_FALSE(c.correct("best").has_value());
  EXPECT_FALSE(c.correct("rice").has_value());
}
