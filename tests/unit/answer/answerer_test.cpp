#include "answer/answerer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/index_builder.hpp"
#include "support/temp_dir.hpp"

using namespace qabot;

TEST(RenderHtmlTest, RawHtmlBecomesVisibleText) {
  const auto html = answer::render_html("<script>window.x=1</script>\n\nhi <img src=x onerror=\"alert(2)\"> there\n");
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<img"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;img src=x onerror="), std::string::npos) << html;
}

TEST(RenderHtmlTest, JavascriptLinksLoseTheirTarget) {
  const auto html = answer::render_html("[click](javascript:alert(1)) and [ok](https://example.com)");
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"https://example.com\""), std::string::npos) << html;
}

TEST(RenderHtmlTest, RendersTablesCodeListsAndImages) {
  const auto html = answer::render_html(
      "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint(1)\n```\n\n- one\n- two\n\n![fig](img/a.png)\n");
  EXPECT_NE(html.find("<table>"), std::string::npos) << html;
  EXPECT_NE(html.find("<pre lang=\"python\"><code>print(1)"), std::string::npos) << html;
  EXPECT_NE(html.find("<li>one</li>"), std::string::npos) << html;
  EXPECT_NE(html.find("<img src=\"img/a.png\" alt=\"fig\""), std::string::npos) << html;
}

TEST(RenderHtmlTest, MathStaysText) {
  const auto html = answer::render_html("$x_1 + x_2$ and $$\\sum_i a_i$$");
  EXPECT_NE(html.find("x_1"), std::string::npos) << html;
}

class AnswererTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("notes/n.md",
               "## DL\n\n### BN有什么作用\n\n加速训练；\n\n### 什么是dropout\n\n随机失活。\n\n### 空题\n\n");
    store::IndexBuilder(dir_ / "q.db").build({dir_ / "notes"});
  }
  test_support::TempDir dir_;
};

TEST_F(AnswererTest, MatchedAnswerIsTheNoteMarkdown) {
  answer::Answerer a(dir_ / "q.db", {});
  auto r = a.ask("batch normalization 的作用", 3);
  ASSERT_TRUE(r.result.matched);
  EXPECT_EQ(r.result.hits.front().question, "BN有什么作用");
  EXPECT_NE(r.markdown.find("加速训练"), std::string::npos);
  EXPECT_NE(r.html.find("<p>加速训练；</p>"), std::string::npos) << r.html;
}

TEST_F(AnswererTest, NoMatchNamesClosestQuestionsOrSaysThereAreNone) {
  answer::Answerer a(dir_ / "q.db", {});
  auto off = a.ask("明天会下雨吗", 3);
  EXPECT_FALSE(off.result.matched);
  EXPECT_NE(off.markdown.find("no note"), std::string::npos) << off.markdown;
}

TEST_F(AnswererTest, UnansweredQuestionSaysSo) {
  answer::Answerer a(dir_ / "q.db", {});
  auto r = a.ask("空题", 3);
  ASSERT_TRUE(r.result.matched);
  EXPECT_NE(r.markdown.find("no answer"), std::string::npos) << r.markdown;
}

TEST_F(AnswererTest, JsonShapeIsStable) {
  answer::Answerer a(dir_ / "q.db", {});
  const auto j = answer::to_json(a.search("dropout", 2));
  EXPECT_EQ(j["query"], "dropout");
  EXPECT_TRUE(j["matched"].is_boolean());
  EXPECT_TRUE(j["clarify"].is_boolean());
  ASSERT_FALSE(j["hits"].empty());
  const auto& h = j["hits"][0];
  EXPECT_TRUE(h["id"].is_number_integer());
  EXPECT_TRUE(h["question"].is_string());
  EXPECT_TRUE(h["category"].is_string());
  EXPECT_TRUE(h["score"].is_number());
  EXPECT_TRUE(h["confidence"].is_number());
  EXPECT_NE(h["source"].get<std::string>().find("n.md:"), std::string::npos);
}

TEST_F(AnswererTest, QuestionsByCategoryListsEveryQuestion) {
  answer::Answerer a(dir_ / "q.db", {});
  const auto j = a.questions_by_category();
  EXPECT_EQ(j["questions"], 3);
  std::size_t n = 0;
  for (const auto& c : j["categories"]) n += c["questions"].size();
  EXPECT_EQ(n, 3u);
}

// A note holding a 10 MB table indexes, and is shown as a chat message a person can read: cut at
// a whole line, code blocks closed, with where the rest is.
TEST(AnswererLongNoteTest, HugeAnswersAreCutAtALineAndSayWhereTheRestIs) {
  test_support::TempDir dir;
  std::string table = "## 这张表说明什么？\n\n| a | b |\n|---|---|\n";
  while (table.size() < 2'000'000) table += "| 单元格 " + std::to_string(table.size()) + " | 值 |\n";
  std::string code = "## 这段代码做什么？\n\n```cpp\n";
  while (code.size() < 200'000) code += "int x" + std::to_string(code.size()) + " = 0;\n";
  code += "```\n";
  dir.write("notes/big.md", table + "\n" + code);
  store::IndexBuilder(dir / "q.db").build({dir / "notes"});
  answer::Answerer a(dir / "q.db", {});

  const auto shown = a.ask("这张表说明什么", 3);
  ASSERT_TRUE(shown.result.matched);
  EXPECT_LT(shown.markdown.size(), 70'000u);
  EXPECT_NE(shown.markdown.find("the answer goes on: see notes/big.md, line 1"), std::string::npos)
      << shown.markdown.substr(shown.markdown.size() - 200);
  EXPECT_NE(shown.html.find("<table>"), std::string::npos);

  const auto listing = a.ask("这段代码做什么", 3);
  ASSERT_TRUE(listing.result.matched);
  EXPECT_LT(listing.markdown.size(), 70'000u);
  // The cut closed the fence: the note about the rest is text, not code.
  EXPECT_NE(listing.html.find("<em>… the answer goes on"), std::string::npos);
}
