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
      "---\ntitle: Java 集合常见面试题\ncategory: Java\ntag:\n  - Java集合\n  - HashMap\nhead:\n  - - meta\n    - "
      "name: keywords\n---\n\n## HashMap\n");
  EXPECT_EQ(fm.lines, 10);
  EXPECT_EQ(fm.title, "Java 集合常见面试题");
  EXPECT_EQ(fm.categories, std::vector<std::string>{"Java"});
  EXPECT_EQ(fm.tags, (std::vector<std::string>{"Java集合", "HashMap"}));
  EXPECT_TRUE(fm.problem.empty());
}

TEST(FrontMatterTest, ReadsTomlBetweenPlusLines) {
  const auto fm = FrontMatterReader::read(
      "+++\ntitle = \"Redis 持久化\"\ntags = [\"redis\", \"aof\"]\ncategories = \"数据库\"\n+++\n# x\n");
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
      "---\ntitle: 常见问题\ndescription: 问答\ncategory: 走近项目\ntag: [faq]\n---\n\n## "
      "为什么要做这个项目？\n\n因为……\n",
      "faq");
  ASSERT_EQ(parsed.notes.size(), 1u);
  EXPECT_EQ(parsed.notes[0].question, "为什么要做这个项目？");
  EXPECT_EQ(parsed.notes[0].category, std::vector<std::string>{"常见问题"});
  EXPECT_EQ(parsed.notes[0].tags, (std::vector<std::string>{"走近项目", "faq"}));
  EXPECT_EQ(parsed.notes[0].line, 8);  // line numbers stay the file's
  EXPECT_EQ(parsed.title, "常见问题");
}

TEST(FrontMatterTest, EveryQuestionHasACategoryFileNameLast) {
  const auto bare =
      MarkdownParser{}.parse_file("## 什么是 CAP 理论？\n\n一致性、可用性、分区容错性。\n", "cap-theorem");
  ASSERT_EQ(bare.notes.size(), 1u);
  EXPECT_EQ(bare.notes[0].category, std::vector<std::string>{"cap-theorem"});
  const auto broken = MarkdownParser{}.parse_file("---\ntitle: [x\n---\n## Q?\n\nA\n", "f");
  ASSERT_EQ(broken.notes.size(), 1u);  // the rest of the file is still read
  EXPECT_FALSE(broken.problem.empty());
}

// Hostile blocks (found in review): each is recognised and refused or capped, never parsed into a
// stack overflow or an explosion of values.
TEST(FrontMatterTest, HostileBlocksAreRefusedOrCapped) {
  const std::string escaped = "+++\na = [\"\\\"\", " + std::string(100000, '[') + std::string(100000, ']') + "]\n+++\n";
  EXPECT_FALSE(FrontMatterReader::read(escaped).problem.empty());
  std::string dotted = "+++\na";
  for (int i = 0; i < 5000; ++i) dotted += ".a";
  dotted += " = 1\n+++\n";
  EXPECT_FALSE(FrontMatterReader::read(dotted).problem.empty());
  // Anchors nested eight deep would stand for 10^8 tags.
  std::string bomb = "---\na0: &a0 x\n";
  for (int level = 1; level <= 8; ++level) {
    bomb += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int k = 0; k < 10; ++k) bomb += std::string(k ? ", " : "") + "*a" + std::to_string(level - 1);
    bomb += "]\n";
  }
  bomb += "tags: [*a8, *a8]\n---\n";
  const auto fm = FrontMatterReader::read(bomb);
  EXPECT_LE(fm.tags.size(), 64u);
}

TEST(FrontMatterTest, ANoteBetweenTwoThematicBreaksIsNotFrontMatter) {
  const auto parsed =
      MarkdownParser{}.parse_file("---\n## 什么是 HashMap？\n\nHashMap 是哈希表。\n\n---\n## 二\n\n答\n", "f");
  ASSERT_EQ(parsed.notes.size(), 2u);
  EXPECT_EQ(parsed.notes[0].question, "什么是 HashMap？");
  EXPECT_TRUE(parsed.problem.empty());
}

TEST(FrontMatterTest, ProblemsAreValidUtf8) {
  const auto fm = FrontMatterReader::read("+++\n" + std::string(300, 'a') + " 中文中文中文 = = =\n+++\n");
  ASSERT_FALSE(fm.problem.empty());
  // Every lead byte is followed by its continuation bytes: the message was not cut mid-character.
  for (std::size_t i = 0; i < fm.problem.size();) {
    const unsigned char c = static_cast<unsigned char>(fm.problem[i]);
    const std::size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    ASSERT_LE(i + n, fm.problem.size()) << fm.problem;
    i += n;
  }
}
