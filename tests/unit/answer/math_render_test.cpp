// Math in rendered answers: kept out of markdown parsing, emitted as escaped TeX in math elements
// for the page's KaTeX, never marked by the highlighter.

#include <gtest/gtest.h>

#include "answer/answerer.hpp"
#include "answer/math_placeholders.hpp"
#include "text/analyzer.hpp"

using namespace qabot;

namespace {

const text::Analyzer& analyzer() {
  static const text::Analyzer a;
  return a;
}

std::string highlighted(std::string_view markdown, std::string_view query) {
  std::vector<std::string> terms;
  for (const auto& t : analyzer().analyze(query)) terms.push_back(t.term);
  return answer::render_html(markdown, &analyzer(), terms);
}

bool contains(const std::string& html, std::string_view what) { return html.find(what) != std::string::npos; }

// The text of every math element of `html`, in order.
std::vector<std::string> math_elements(const std::string& html) {
  std::vector<std::string> out;
  for (std::size_t p = html.find("class=\"math "); p != std::string::npos; p = html.find("class=\"math ", p + 1)) {
    const std::size_t open = html.find('>', p) + 1;
    out.push_back(html.substr(open, html.find("</", open) - open));
  }
  return out;
}

}  // namespace

TEST(MathRenderTest, InlineMathIsNoEmphasis) {
  const auto html = answer::render_html("$a_1$ and $b_1$, $x * y * z$ and *real*\n");
  EXPECT_EQ(math_elements(html), (std::vector<std::string>{"a_1", "b_1", "x * y * z"})) << html;
  EXPECT_TRUE(contains(html, "<span class=\"math math-inline\">a_1</span>")) << html;
  EXPECT_EQ(html.find("<em>"), html.find("<em>real</em>")) << html;
}

TEST(MathRenderTest, DisplayMathAloneIsABlock) {
  const auto html = answer::render_html("Loss:\n\n$$\nL = \\sum_i (y_i - \\hat{y}_i)^2\n$$\n\nand \\[a_b\\] inline\n");
  EXPECT_TRUE(contains(html, "<div class=\"math math-display\">L = \\sum_i (y_i - \\hat{y}_i)^2</div>")) << html;
  EXPECT_TRUE(contains(html, "<p>and <span class=\"math math-display\">a_b</span> inline</p>")) << html;
  EXPECT_FALSE(contains(html, "<p><div")) << html;
}

TEST(MathRenderTest, TexIsEscaped) {
  const auto html = answer::render_html("$a<b>c & \"d\"$ and $<script>alert(1)</script>x$\n");
  EXPECT_FALSE(contains(html, "<b>")) << html;
  EXPECT_FALSE(contains(html, "<script")) << html;
  EXPECT_TRUE(contains(html, "a&lt;b&gt;c &amp; &quot;d&quot;")) << html;
}

TEST(MathRenderTest, PricesAndCodeStayAsWritten) {
  const auto prices = answer::render_html("costs $5 and $10\n");
  EXPECT_TRUE(contains(prices, "<p>costs $5 and $10</p>")) << prices;
  const auto code = answer::render_html("`$x_i$` and\n\n```bash\necho $a_1$\n```\n");
  EXPECT_TRUE(contains(code, "<code>$x_i$</code>")) << code;
  EXPECT_TRUE(contains(code, "echo $a_1$")) << code;
  EXPECT_TRUE(math_elements(code).empty()) << code;
}

TEST(MathRenderTest, MathInTablesLinksAndImages) {
  const auto table = answer::render_html("| sym | meaning |\n|---|---|\n| $\\alpha_t$ | rate *of* learning |\n");
  EXPECT_TRUE(contains(table, "<td><span class=\"math math-inline\">\\alpha_t</span></td>")) << table;
  EXPECT_TRUE(contains(table, "<em>of</em>")) << table;
  // Placeholders that land in a link target or an alt attribute are put back as written.
  const auto link = answer::render_html("[see $a$b](https://example.com/$a$b) ![$x$](img.png)\n");
  EXPECT_TRUE(contains(link, "href=\"https://example.com/$a$b\"")) << link;
  EXPECT_TRUE(contains(link, "alt=\"$x$\"")) << link;
  EXPECT_EQ(math_elements(link), (std::vector<std::string>{"a"})) << link;
}

TEST(MathRenderTest, RawHtmlAroundMathIsStillText) {
  const auto html = answer::render_html("<span title=\"$a$\">x</span> $b$\n");
  EXPECT_TRUE(contains(html, "&lt;span title=&quot;$a$&quot;&gt;")) << html;
  EXPECT_EQ(math_elements(html), (std::vector<std::string>{"b"})) << html;
}

TEST(MathRenderTest, HighlightsNeverGoInsideMath) {
  const auto html = highlighted("softmax: $softmax(x_i) = e^{x_i}$ and softmax again\n", "softmax");
  EXPECT_TRUE(contains(html, "<span class=\"math math-inline\">softmax(x_i) = e^{x_i}</span>")) << html;
  EXPECT_TRUE(contains(html, "<mark>softmax</mark>: ")) << html;
  EXPECT_TRUE(contains(html, "<mark>softmax</mark> again")) << html;
  const auto table = highlighted("| a | b |\n|---|---|\n| $softmax$ | softmax |\n", "softmax");
  EXPECT_TRUE(contains(table, "<span class=\"math math-inline\">softmax</span>")) << table;
}

TEST(MathPlaceholdersTest, SplitAndRestore) {
  const answer::MathPlaceholders math("a $x_1$ b \\(y\\)");
  EXPECT_EQ(math.markdown().find('$'), std::string::npos);
  const auto pieces = math.split(math.markdown());
  ASSERT_EQ(pieces.size(), 4u);
  EXPECT_EQ(pieces[0].text, "a ");
  ASSERT_TRUE(pieces[1].math);
  EXPECT_EQ(math.tex(*pieces[1].math), "x_1");
  EXPECT_EQ(pieces[2].text, " b ");
  EXPECT_EQ(math.restore(math.markdown()), "a $x_1$ b \\(y\\)");
}

TEST(MathPlaceholdersTest, NoteHoldingTheMarkerIsLeftAlone) {
  const std::string note =
      "\xEE\x80\x80"
      "0\xEE\x80\x81 $x$";
  const answer::MathPlaceholders math(note);
  EXPECT_EQ(math.markdown(), note);
  const auto html = answer::render_html(note);
  EXPECT_TRUE(math_elements(html).empty()) << html;
}
