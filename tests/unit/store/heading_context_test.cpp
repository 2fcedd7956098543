// Which headings name no topic of their own (and so are shown under their parent).
#include "store/heading_context.hpp"

#include <gtest/gtest.h>

#include <string>

#include "text/analyzer.hpp"

using qabot::store::HeadingContext;

namespace {
const qabot::text::Analyzer& analyzer() {
  static const qabot::text::Analyzer a;
  return a;
}
}  // namespace

TEST(HeadingContextTest, ScaffoldingAspectsAndStandInsNameNoTopic) {
  HeadingContext c(analyzer());
  for (const char* generic : {"两者到底有什么区别？", "三者横向对比", "如何解决呢？", "有什么区别",
                              "What are the differences?", "优缺点", "原理"})
    EXPECT_TRUE(c.names_no_topic(generic)) << generic << ": " << ::testing::PrintToString(c.words_of(generic));
}

TEST(HeadingContextTest, AnyTopicWordMakesAHeadingSpecific) {
  HeadingContext c(analyzer());
  for (const char* specific : {"HashMap 和 Hashtable 的区别", "什么是 CAP 理论？", "Redis 持久化机制", "幂等性怎么保证",
                               "BN有什么作用", "how does a thread pool work",
                               // 决 and 策 end filler words (解决, 对策); 决策 is not made of them
                               "什么是决策树"})
    EXPECT_FALSE(c.names_no_topic(specific)) << specific;
}

TEST(HeadingContextTest, WordsCommonAcrossTheBanksFilesNameNoTopic) {
  HeadingContext c(analyzer());
  // "面试" heads sections in many files of an interview guide; "Redis" only in its own file.
  for (int f = 0; f < 20; ++f) {
    const std::string path = "notes/" + std::to_string(f) + ".md";
    c.observe(path, "面试怎么回答？");
    c.observe(path, "主题" + std::to_string(f));
  }
  c.observe("notes/0.md", "Redis 是什么");
  EXPECT_TRUE(c.names_no_topic("面试怎么回答？"));
  EXPECT_FALSE(c.names_no_topic("Redis 怎么回答？"));
}

TEST(HeadingContextTest, OneFileBanksHaveNoCommonWords) {
  HeadingContext c(analyzer());
  c.observe("a.md", "面试怎么回答？");
  c.observe("a.md", "面试技巧");
  EXPECT_FALSE(c.names_no_topic("面试怎么回答？"));
  EXPECT_EQ(HeadingContext::with_parent("HashMap 和 Hashtable", "两者到底有什么区别？"),
            "HashMap 和 Hashtable › 两者到底有什么区别？");
}

// In a bank of a few files every heading word is in "many" of them: spread says nothing there.
TEST(HeadingContextTest, SmallBanksGiveNoHeadingItsParent) {
  HeadingContext c(analyzer());
  for (int f = 0; f < 8; ++f) c.observe("notes/" + std::to_string(f) + ".md", "笔记" + std::to_string(f));
  c.observe("notes/0.md", "Redis 持久化");
  EXPECT_FALSE(c.names_no_topic("Redis 持久化"));
  EXPECT_FALSE(c.names_no_topic(std::string(6000 * 3, 'x')));  // long and plain: a topic, decided at once
}
