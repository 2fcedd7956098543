#include "retrieval/synonyms.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace qabot::retrieval {
namespace {

using Terms = std::vector<std::string>;

Synonyms parse_ok(std::string_view text) {
  auto result = Synonyms::parse(text);
  if (auto* error = std::get_if<SynonymError>(&result)) {
    ADD_FAILURE() << "line " << error->line << ": " << error->message;
    return Synonyms{};
  }
  return std::get<Synonyms>(std::move(result));
}

SynonymError parse_error(std::string_view text) {
  auto result = Synonyms::parse(text);
  if (auto* error = std::get_if<SynonymError>(&result)) return *error;
  ADD_FAILURE() << "expected a parse error for: " << text;
  return SynonymError{-1, ""};
}

TEST(SynonymsTest, ParsesEquivalence) {
  const auto syn = parse_ok("bn, batch normalization, batchnorm, 批归一化\n");
  ASSERT_EQ(syn.size(), 1u);
  const auto& rule = syn.rules().front();
  EXPECT_FALSE(rule.one_way);
  EXPECT_EQ(rule.line, 1);
  const Terms expected{"bn", "batch normalization", "batchnorm", "批归一化"};
  EXPECT_EQ(rule.from, expected);
  EXPECT_EQ(rule.to, expected);
}

TEST(SynonymsTest, ParsesOneWayRule) {
  const auto syn = parse_ok("leaky relu, prelu => leaky relu, relu\n");
  ASSERT_EQ(syn.size(), 1u);
  const auto& rule = syn.rules().front();
  EXPECT_TRUE(rule.one_way);
  EXPECT_EQ(rule.from, (Terms{"leaky relu", "prelu"}));
  EXPECT_EQ(rule.to, (Terms{"leaky relu", "relu"}));
}

TEST(SynonymsTest, OneWayRuleAllowsSingleTermSides) {
  const auto syn = parse_ok("adamw=>adam");
  ASSERT_EQ(syn.size(), 1u);
  EXPECT_TRUE(syn.rules()[0].one_way);
  EXPECT_EQ(syn.rules()[0].from, Terms{"adamw"});
  EXPECT_EQ(syn.rules()[0].to, Terms{"adam"});
}

TEST(SynonymsTest, SkipsCommentsAndBlankLinesAndKeepsLineNumbers) {
  const auto syn = parse_ok(
      "# deep learning\n"
      "\n"
      "   # indented comment\n"
      "lr, learning rate, 学习率\n"
      "   \t\n"
      "\xE3\x80\x80\n"  // a line holding only an ideographic space
      "fc, fully connected, 全连接\n");
  ASSERT_EQ(syn.size(), 2u);
  EXPECT_EQ(syn.rules()[0].line, 4);
  EXPECT_EQ(syn.rules()[1].line, 7);
}

TEST(SynonymsTest, HashInsideLineIsPartOfTerm) {
  const auto syn = parse_ok("c#, csharp, c sharp # not a comment\n");
  ASSERT_EQ(syn.size(), 1u);
  EXPECT_EQ(syn.rules()[0].from, (Terms{"c#", "csharp", "c sharp # not a comment"}));
}

TEST(SynonymsTest, AcceptsCrlfLineEndings) {
  const auto syn = parse_ok("# comment\r\na, b\r\n\r\nc => d\r\n");
  ASSERT_EQ(syn.size(), 2u);
  EXPECT_EQ(syn.rules()[0].from, (Terms{"a", "b"}));
  EXPECT_EQ(syn.rules()[0].line, 2);
  EXPECT_EQ(syn.rules()[1].to, Terms{"d"});
  EXPECT_EQ(syn.rules()[1].line, 4);
}

TEST(SynonymsTest, AcceptsMissingFinalNewlineAndByteOrderMark) {
  const auto syn = parse_ok(
      "\xEF\xBB\xBF"
      "a, b\nc, d");
  ASSERT_EQ(syn.size(), 2u);
  EXPECT_EQ(syn.rules()[0].from.front(), "a");
  EXPECT_EQ(syn.rules()[1].from, (Terms{"c", "d"}));
}

TEST(SynonymsTest, TrimsAsciiAndFullWidthSpaces) {
  const auto syn = parse_ok("\t 过拟合\xE3\x80\x80,\xE3\x80\x80 overfitting \t,  over fitting  \n");
  ASSERT_EQ(syn.size(), 1u);
  EXPECT_EQ(syn.rules()[0].from, (Terms{"过拟合", "overfitting", "over fitting"}));
}

TEST(SynonymsTest, KeepsOriginalCase) {
  const auto syn = parse_ok("ReLU, Rectified Linear Unit\n");
  EXPECT_EQ(syn.rules().at(0).from, (Terms{"ReLU", "Rectified Linear Unit"}));
}

TEST(SynonymsTest, AcceptsFullWidthComma) {
  const auto syn = parse_ok("欠拟合，underfitting, 拟合不足\n");
  ASSERT_EQ(syn.size(), 1u);
  EXPECT_EQ(syn.rules()[0].from, (Terms{"欠拟合", "underfitting", "拟合不足"}));
}

TEST(SynonymsTest, UnescapesEscapedCharacters) {
  const auto syn = parse_ok("a\\,b, c\\\\d, \\#e\n\\#pragma, f\\=>g\n");
  ASSERT_EQ(syn.size(), 2u);
  EXPECT_EQ(syn.rules()[0].from, (Terms{"a,b", "c\\d", "#e"}));
  EXPECT_FALSE(syn.rules()[1].one_way);
  EXPECT_EQ(syn.rules()[1].from, (Terms{"#pragma", "f=>g"}));
}

TEST(SynonymsTest, KeepsSymbolTerms) {
  const auto syn = parse_ok("*args, 可变位置参数\n**kwargs, 可变关键字参数\nc++, cpp\n");
  ASSERT_EQ(syn.size(), 3u);
  EXPECT_EQ(syn.rules()[0].from.front(), "*args");
  EXPECT_EQ(syn.rules()[1].from.front(), "**kwargs");
  EXPECT_EQ(syn.rules()[2].from.front(), "c++");
}

TEST(SynonymsTest, ReportsLineOfEmptyTerm) {
  const auto error = parse_error("# header\na, b\nc,,d\ne, f\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_NE(error.message.find("empty term between commas"), std::string::npos) << error.message;
}

TEST(SynonymsTest, ReportsLeadingAndTrailingComma) {
  const auto leading = parse_error(",a, b\n");
  EXPECT_EQ(leading.line, 1);
  EXPECT_NE(leading.message.find("empty term"), std::string::npos) << leading.message;
  const auto trailing = parse_error("x, y\na, b,\n");
  EXPECT_EQ(trailing.line, 2);
  EXPECT_NE(trailing.message.find("empty term"), std::string::npos) << trailing.message;
}

TEST(SynonymsTest, ReportsBlankTermMadeOfFullWidthSpace) {
  const auto error = parse_error("a,\xE3\x80\x80,b\n");
  EXPECT_EQ(error.line, 1);
  EXPECT_NE(error.message.find("empty term"), std::string::npos) << error.message;
}

TEST(SynonymsTest, ReportsLineOfEmptyLeftSide) {
  const auto error = parse_error("a, b\n\n => c\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_NE(error.message.find("empty left side"), std::string::npos) << error.message;
}

TEST(SynonymsTest, ReportsLineOfEmptyRightSide) {
  const auto error = parse_error("a, b =>   \n");
  EXPECT_EQ(error.line, 1);
  EXPECT_NE(error.message.find("empty right side"), std::string::npos) << error.message;
}

TEST(SynonymsTest, ReportsEmptyTermInsideOneWaySide) {
  const auto error = parse_error("a, b\na, => c\n");
  EXPECT_EQ(error.line, 2);
  EXPECT_NE(error.message.find("left side"), std::string::npos) << error.message;
}

TEST(SynonymsTest, ReportsLineOfDoubleArrow) {
  const auto error = parse_error("a, b\nc, d\na => b => c\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_NE(error.message.find("more than one '=>'"), std::string::npos) << error.message;
}

TEST(SynonymsTest, ReportsLineOfSingleTerm) {
  const auto error = parse_error("a, b\r\nlonely\r\n");
  EXPECT_EQ(error.line, 2);
  EXPECT_NE(error.message.find("only one term"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("lonely"), std::string::npos) << error.message;
}

TEST(SynonymsTest, ReportsLineOfInvalidEscape) {
  const auto error = parse_error("a, b\na\\q, b\n");
  EXPECT_EQ(error.line, 2);
  EXPECT_NE(error.message.find("invalid escape"), std::string::npos) << error.message;
}

TEST(SynonymsTest, ReportsLineOfDanglingBackslash) {
  const auto error = parse_error("a, b\n\nc, d\\\n");
  EXPECT_EQ(error.line, 3);
  EXPECT_NE(error.message.find("backslash"), std::string::npos) << error.message;
}

TEST(SynonymsTest, ReportsLineOfInvalidUtf8) {
  const auto error = parse_error("a, b\nc, \xFF\xFE\n");
  EXPECT_EQ(error.line, 2);
  EXPECT_NE(error.message.find("UTF-8"), std::string::npos) << error.message;
}

TEST(SynonymsTest, EmptyTextHasNoRules) {
  EXPECT_EQ(parse_ok("").size(), 0u);
  EXPECT_EQ(parse_ok("\n\n# only comments\n").size(), 0u);
}

TEST(SynonymsTest, AddEquivalenceTrimsAndDeduplicates) {
  auto syn = parse_ok("a, b\n");
  syn.add_equivalence({" 随机失活 ", "dropout", "dropout", ""});
  ASSERT_EQ(syn.size(), 2u);
  const auto& rule = syn.rules()[1];
  EXPECT_FALSE(rule.one_way);
  EXPECT_EQ(rule.line, 0);
  EXPECT_EQ(rule.from, (Terms{"随机失活", "dropout"}));
  EXPECT_EQ(rule.to, rule.from);
}

TEST(SynonymsTest, AddEquivalenceIgnoresFewerThanTwoTerms) {
  Synonyms syn;
  syn.add_equivalence({"dropout", " dropout "});
  syn.add_equivalence({});
  EXPECT_EQ(syn.size(), 0u);
}

TEST(SynonymsTest, LoadReportsMissingFileOnLineZero) {
  const std::filesystem::path missing = "/nonexistent/qabot/synonyms.txt";
  auto result = Synonyms::load(missing);
  ASSERT_TRUE(std::holds_alternative<SynonymError>(result));
  const auto& error = std::get<SynonymError>(result);
  EXPECT_EQ(error.line, 0);
  EXPECT_NE(error.message.find(missing.string()), std::string::npos) << error.message;
}

TEST(SynonymsTest, LoadsShippedSynonymFile) {
  const std::filesystem::path path = std::filesystem::path(QABOT_SOURCE_DIR) / "data" / "synonyms.txt";
  auto result = Synonyms::load(path);
  if (auto* error = std::get_if<SynonymError>(&result)) {
    FAIL() << "line " << error->line << ": " << error->message;
  }
  const auto& syn = std::get<Synonyms>(result);
  EXPECT_GE(syn.size(), 300u);

  // Spot-check a few entries the glossary must carry.
  std::set<std::string> terms;
  for (const auto& rule : syn.rules()) {
    terms.insert(rule.from.begin(), rule.from.end());
    terms.insert(rule.to.begin(), rule.to.end());
  }
  for (const char* expected :
       {"batch normalization", "过拟合", "召回率", "深拷贝", "gil", "反向传播", "数据不均衡", "c#"}) {
    EXPECT_TRUE(terms.count(expected)) << expected;
  }
}

}  // namespace
}  // namespace qabot::retrieval
