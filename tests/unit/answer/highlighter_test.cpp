// Highlights: the right spans, and HTML that stays well-formed whatever the note holds.

#include "answer/highlighter.hpp"

#include <gtest/gtest.h>

#include "answer/answerer.hpp"
#include "text/analyzer.hpp"

using namespace qabot;

namespace {

const text::Analyzer& analyzer() {
  static const text::Analyzer a;
  return a;
}

std::vector<std::string> terms_of(std::string_view query) {
  std::vector<std::string> out;
  for (const auto& t : analyzer().analyze(query)) out.push_back(t.term);
  return out;
}

std::string render(std::string_view markdown, std::string_view query) {
  return answer::render_html(markdown, &analyzer(), terms_of(query));
}

// Tags of an HTML string in order, to check that marks nest inside their parents.
int count(const std::string& s, std::string_view what) {
  int n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST(HighlighterTest, ChineseSpansMergeAcrossBigrams) {
  answer::Highlighter h(analyzer(), terms_of("过拟合"));
  const std::string text = "防止过拟合的方法";
  const auto spans = h.spans(text);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(text.substr(spans[0].first, spans[0].second - spans[0].first), "过拟合");
}

// A one-character term marks the character wherever it stands, not the word around it.
TEST(HighlighterTest, OneCharacterMarksThatCharacterInsideARun) {
  answer::Highlighter h(analyzer(), {"树"});
  const std::string text = "決策树和樹模型，树";
  std::vector<std::string> marked;
  for (const auto& [start, end] : h.spans(text)) marked.push_back(text.substr(start, end - start));
  EXPECT_EQ(marked, (std::vector<std::string>{"树", "樹", "树"}));
  EXPECT_EQ(render("决策树和树模型\n", "树"), "<p>决策<mark>树</mark>和<mark>树</mark>模型</p>\n");
  // A character written as a base and a combining mark is marked whole: テ + U+3099 is デ.
  EXPECT_EQ(render("テ\u3099ータ\n", "デ"), "<p><mark>テ\u3099</mark>ータ</p>\n");
}

TEST(HighlighterTest, TraditionalQueryMarksSimplifiedAnswer) {
  EXPECT_EQ(render("可以防止过拟合。\n", "過擬合"), "<p>可以防止<mark>过拟合</mark>。</p>\n");
}

TEST(HighlighterTest, EnglishStemsAndFullWidth) {
  const auto html = render("Normalizing inputs helps; ＢＮ is batch normalization.\n", "normalization bn");
  EXPECT_NE(html.find("<mark>Normalizing</mark>"), std::string::npos) << html;
  EXPECT_NE(html.find("<mark>ＢＮ</mark>"), std::string::npos) << html;
  EXPECT_NE(html.find("<mark>normalization</mark>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<mark>inputs"), std::string::npos) << html;
}

TEST(HighlighterTest, NoMarksInCodeLinksOrAttributes) {
  const auto html = render(
      "dropout in `dropout(x)` and\n\n```\ndropout = 1\n```\n\n[dropout](https://x.org/dropout) "
      "https://dropout.org ![dropout](dropout.png)\n",
      "dropout");
  EXPECT_EQ(count(html, "<mark>"), 1) << html;  // only the first, plain word
  EXPECT_NE(html.find("<p><mark>dropout</mark> in <code>dropout(x)</code>"), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"https://x.org/dropout\""), std::string::npos) << html;
  EXPECT_NE(html.find("alt=\"dropout\""), std::string::npos) << html;
}

TEST(HighlighterTest, RawHtmlAndEntitiesStayEscapedText) {
  const auto html = render("a <script>alert(1)</script> & b &amp; c &lt;tag&gt; script\n", "script tag");
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<tag"), std::string::npos) << html;
  EXPECT_NE(html.find("&amp; b &amp; c"), std::string::npos) << html;
  EXPECT_EQ(count(html, "<mark>"), count(html, "</mark>")) << html;
  EXPECT_NE(html.find("&lt;<mark>tag</mark>&gt;"), std::string::npos) << html;
  // Every mark closes before anything else opens or closes.
  for (auto p = html.find("<mark>"); p != std::string::npos; p = html.find("<mark>", p + 1)) {
    const auto close = html.find("</mark>", p);
    ASSERT_NE(close, std::string::npos);
    EXPECT_EQ(html.substr(p + 6, close - p - 6).find('<'), std::string::npos) << html;
  }
}

TEST(HighlighterTest, NothingMarkedWithoutTerms) {
  EXPECT_EQ(answer::render_html("过拟合\n", &analyzer(), {}), answer::render_html("过拟合\n"));
  EXPECT_EQ(render("nothing here\n", "dropout"), "<p>nothing here</p>\n");
}

TEST(ClarifyMessageTest, ListsTheChoicesAsAQuestion) {
  retrieval::Result r;
  r.clarify = true;
  r.choices = 2;
  r.hits.resize(3);
  r.hits[0].question = "is和==的区别";
  r.hits[1].question = "生成器，迭代器的区别";
  r.hits[2].question = "other";
  EXPECT_EQ(answer::clarify_message(r), "Did you mean: **is和==的区别**, or **生成器，迭代器的区别**?\n");
  r.choices = 3;
  r.hits[2].question = "a_b*c";
  EXPECT_EQ(answer::clarify_message(r),
            "Did you mean: **is和==的区别**, **生成器，迭代器的区别**, or **a\\_b\\*c**?\n");
}

// A GFM table cell takes no custom inline: its words stay, unmarked, and nothing is left unowned
// (the sanitizer build fails this test on a leak). Paragraph text around the table is still marked.
TEST(HighlighterTest, TableCellsKeepTheirWords) {
  const std::string html =
      render("HashMap 线程不安全。\n\n| 集合 | 线程安全 |\n|---|---|\n| HashMap | 否 |\n| Hashtable | 是 |\n",
             "HashMap 线程安全");
  EXPECT_NE(html.find("<td>HashMap</td>"), std::string::npos) << html;
  EXPECT_NE(html.find("<th>线程安全</th>"), std::string::npos) << html;
  EXPECT_NE(html.find("<mark>HashMap</mark>"), std::string::npos) << html;
}
