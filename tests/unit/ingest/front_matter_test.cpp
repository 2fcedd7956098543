// Front matter: read as metadata (title, categories, tags), never as note text; broken blocks are
// named, not fatal.
#include "ingest/front_matter.hpp"

#include <gtest/gtest.h>

#include <string>

#include "ingest/markdown_parser.hpp"

using qabot::ingest::FrontMatterReader;
using qabot::ingest::MarkdownParser;

TEST(FrontMatterTest, ReadsYamlTitleCategoryAndTagLists) {
  const auto fm = FrontMatterReader::read(
      "---\ntitle: Java 集合常见面试题\ncategory: Java\ntag:\n  - Java集合\n  - HashMap\nhead:\n  - - meta\n    - name: keywords\n---\n\n## HashMap\n");
  EXPECT_EQ(fm.lines, 10);
  EXPECT_EQ(fm.title, "Java 集合常见面试题");
  EXPECT_EQ(fm.categories, std::vector<std::string>{"Java"});
  EXPECT_EQ(fm.tags, (std::vector<std::string>{"Java集合", "HashMap"}));
  EXPECT_TRUE(fm.problem.empty());
}

TEST(FrontMatterTest, ReadsTomlBetweenPlusLines) {
  const auto fm = FrontMatterReader::read("+++\ntitle = \"Redis 持久化\"\ntags = [\"redis\", \"aof\"]\ncategories = \"数据库\"\n+++\n# x\n");
  EXPECT_EQ(fm.lines, 5);
  EXPECT_EQ(fm.title, "Redis 持久化");
  EXPECT_EQ(fm.tags, (std::vector<std::string>{"redis", "aof"}));
  EXPECT_EQ(fm.categories, std::vector<std::string>{"数据库"});
}

TEST(FrontMatterTest, AThematicBreakIsNotFrontMatter) {
  EXPECT_FALSE(FrontMatterReader::read("---\n\n## 问题\n\n答案\n").present());
  EXPECT_FALSE(FrontMatterReader::read("## 问题\n---\ntitle: x\n---\n").present());
  EXPECT_FALSE(FrontMatterReader::read("").present());
}

TEST(FrontMatterTest, BrokenYamlIsRecognisedAndNamed) {
  const auto fm = FrontMatterReader::read("---\ntitle: [unclosed\ntags: a\n---\n## Q\n\nA\n");
  EXPECT_EQ(fm.lines, 4);
  EXPECT_NE(fm.problem.find("front matter"), std::string::npos) << fm.problem;
}

TEST(FrontMatterTest, DeepNestingIsRefusedBeforeTheParserRecurses) {
  const std::string deep = "---\nx: " + std::string(5000, '[') + "\n---\n";
  const auto fm = FrontMatterReader::read(deep);
  EXPECT_TRUE(fm.present());
  EXPECT_NE(fm.problem.find("nests deeper"), std::string::npos);
}

TEST(FrontMatterTest, ParserNeverIndexesFrontMatterAndUsesTheTitleAsCategory) {
  const auto parsed = MarkdownParser{}.parse_file(
      "---\ntitle: 常见问题\ndescription: 问答\ncategory: 走近项目\ntag: [faq]\n---\n\n## 为什么要做这个项目？\n\n因为……\n",
      "faq");
  ASSERT_EQ(parsed.notes.size(), 1u);
  EXPECT_EQ(parsed.notes[0].question, "为什么要做这个项目？");
  EXPECT_EQ(parsed.notes[0].category, std::vector<std::string>{"常见问题"});
  EXPECT_EQ(parsed.notes[0].tags, (std::vector<std::string>{"走近项目", "faq"}));
  EXPECT_EQ(parsed.notes[0].line, 8);  // line numbers stay the file's
  EXPECT_EQ(parsed.title, "常见问题");
}

TEST(FrontMatterTest, EveryQuestionHasACategoryFileNameLast) {
  const auto bare = MarkdownParser{}.parse_file("## 什么是 CAP 理论？\n\n一致性、可用性、分区容错性。\n", "cap-theorem");
  ASSERT_EQ(bare.notes.size(), 1u);
  EXPECT_EQ(bare.notes[0].category, std::vector<std::string>{"cap-theorem"});
  const auto broken = MarkdownParser{}.parse_file("---\ntitle: [x\n---\n## Q?\n\nA\n", "f");
  ASSERT_EQ(broken.notes.size(), 1u);  // the rest of the file is still read
  EXPECT_FALSE(broken.problem.empty());
}
