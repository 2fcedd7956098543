#include "gaps/gap_grouper.hpp"

#include <gtest/gtest.h>

#include "quiz/quiz_grader.hpp"
#include "text/analyzer.hpp"

namespace qabot::gaps {
namespace {

class GapGrouperTest : public ::testing::Test {
 protected:
  text::Analyzer analyzer;
  quiz::QuizGrader grader{analyzer};
  GapGrouper grouper{[this](std::string_view t) { return grader.topic_terms(t); }};

  static state::Gap gap(std::string text, std::int64_t time, std::string best = "") {
    return {std::move(text), time, 0.1, std::move(best), "ws"};
  }
};

TEST_F(GapGrouperTest, ParaphrasesGroupTogetherUnrelatedDoNot) {
  const std::vector<state::Gap> gaps = {
      gap("什么是区块链", 10, "分布式一致性"),
      gap("how does kubernetes pod scheduling work", 11),
      gap("区块链是什么？", 12, "分布式一致性"),
      gap("kubernetes pod scheduling, how does it work", 13),
      gap("explain kubernetes pod scheduling", 14),
      gap("what is a bloom filter", 15),
      gap("什么是区块链", 16),
  };
  const auto groups = grouper.group(gaps);
  ASSERT_EQ(groups.size(), 3u);
  // Largest first; ties by the most recent.
  EXPECT_EQ(groups[0].count, 3u);
  EXPECT_EQ(groups[1].count, 3u);
  EXPECT_EQ(groups[0].last_seen, 16);
  EXPECT_EQ(groups[0].representative, "什么是区块链");  // asked twice
  EXPECT_EQ(groups[0].closest, "分布式一致性");
  EXPECT_EQ(groups[0].examples, std::vector<std::string>{"区块链是什么？"});
  EXPECT_NE(groups[1].representative.find("kubernetes"), std::string::npos);
  EXPECT_EQ(groups[1].last_seen, 14);
  EXPECT_EQ(groups[2].representative, "what is a bloom filter");
  EXPECT_EQ(groups[2].count, 1u);
  EXPECT_TRUE(groups[2].closest.empty());
}

TEST_F(GapGrouperTest, SharingOnlyTemplateWordsIsNotAlike) {
  const auto groups = grouper.group({gap("what is a bloom filter", 1), gap("what is a red black tree", 2),
                                     gap("如何理解注意力机制", 3), gap("如何理解红黑树", 4)});
  EXPECT_EQ(groups.size(), 4u);
}

TEST_F(GapGrouperTest, TextsWithoutTopicTermsGroupOnlyWhenEqual) {
  const auto groups = grouper.group({gap("what?", 1), gap("what?", 2), gap("why", 3)});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].count, 2u);
  EXPECT_EQ(groups[0].representative, "what?");
}

TEST_F(GapGrouperTest, EmptyLogHasNoGroups) { EXPECT_TRUE(grouper.group({}).empty()); }

}  // namespace
}  // namespace qabot::gaps
