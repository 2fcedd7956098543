#include "ingest/synonym_miner.hpp"

#include <gtest/gtest.h>

using qabot::ingest::SynonymMiner;
using Pair = std::pair<std::string, std::string>;

TEST(SynonymMinerTest, ChineseTermWithEnglishInParentheses) {
  auto pairs = SynonymMiner().mine("使用批归一化（Batch Normalization）可以加速训练");
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].second, "Batch Normalization");
  EXPECT_NE(pairs[0].first.find("批归一化"), std::string::npos);
}

TEST(SynonymMinerTest, EnglishPhraseWithAbbreviation) {
  auto pairs = SynonymMiner().mine("we use Batch Normalization (BN) and Long Short-Term Memory (LSTM) here");
  EXPECT_NE(std::find(pairs.begin(), pairs.end(), Pair{"Batch Normalization", "BN"}), pairs.end());
  EXPECT_NE(std::find(pairs.begin(), pairs.end(), Pair{"Long Short-Term Memory", "LSTM"}), pairs.end());
}

TEST(SynonymMinerTest, IgnoresParenthesesThatAreNotDefinitions) {
  EXPECT_TRUE(SynonymMiner().mine("f(x) = max(0, x) (see above)").empty());
  EXPECT_TRUE(SynonymMiner().mine("the result (which is fine) holds").empty());
  EXPECT_TRUE(SynonymMiner().mine("（1）数据增强").empty());
}

TEST(SynonymMinerTest, HalfWidthParenthesesAfterChinese) {
  auto pairs = SynonymMiner().mine("召回率(Recall)");
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0], (Pair{"召回率", "Recall"}));
}

TEST(SynonymMinerTest, InvalidUtf8IsHarmless) {
  EXPECT_NO_THROW(SynonymMiner().mine(std::string("\xff\xfe(\xe4)", 5)));
}
